"""The names the VM tests (and bench/) import: the test guest's helpers now
live in lib/ovcpguest.py, shared with the console, metrics and device tests.
_run_dirs is the same list ovcptest empties of QEMUs at exit."""
from ovcpguest import BOOT_TIMEOUT, MARKER, Host, Serial, _run_dirs, guest_dir, guest_env

__all__ = ["BOOT_TIMEOUT", "MARKER", "Host", "Serial", "_run_dirs", "guest_dir", "guest_env"]
