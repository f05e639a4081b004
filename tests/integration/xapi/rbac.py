"""RBAC: one local user per XenAPI role, a table of calls allowed and denied,
the shape of the denial, and role changes / user removal taking effect."""
from ovcptest import Daemon, Tap, XapiError, eq, expect_error, ok, minimal_vm

t = Tap()
D = Daemon()
S = {}
ROLES = ["pool-admin", "pool-operator", "vm-power-admin", "vm-admin", "vm-operator", "read-only"]


def at_least(role):
    """The roles from pool-admin down to `role` (XenAPI's roles are nested)."""
    return set(ROLES[:ROLES.index(role) + 1])


def calls():
    """(name, method, args builder, least role allowed)."""
    vm = S["vm"]
    pool = S["pool"]
    return [
        ("VM.get_record", lambda: ["VM.get_record", vm], "read-only"),
        ("pool.get_all_records", lambda: ["pool.get_all_records"], "read-only"),
        ("VM.get_all", lambda: ["VM.get_all"], "read-only"),
        ("VM.add_tags", lambda: ["VM.add_tags", vm, "tag"], "vm-operator"),
        ("VM.set_affinity", lambda: ["VM.set_affinity", vm, "OpaqueRef:NULL"], "vm-power-admin"),
        ("VM.set_name_label", lambda: ["VM.set_name_label", vm, "renamed"], "vm-admin"),
        ("VM.add_to_other_config", lambda: ["VM.add_to_other_config", vm, "k-%d" % next_n(), "v"], "vm-admin"),
        ("VM.create", lambda: ["VM.create", minimal_vm("rbac-%d" % next_n())], "vm-admin"),
        ("pool.set_name_label", lambda: ["pool.set_name_label", pool, "p"], "pool-operator"),
        ("pool.add_to_other_config", lambda: ["pool.add_to_other_config", pool, "k-%d" % next_n(), "v"],
         "pool-operator"),
        ("message.create", lambda: ["message.create", "M", 1, "Pool", "", "b"], "pool-operator"),
        ("subject.create_local_user",
         lambda: ["subject.create_local_user", "made-%d" % next_n(), "pw", ["read-only"]], "pool-admin"),
    ]


_n = [0]


def next_n():
    _n[0] += 1
    return _n[0]


@t.test("daemon starts; one local user per role")
def _():
    D.start()
    S["root"] = r = D.login()
    S["vm"] = r.call("VM.create", minimal_vm("rbac-vm"))
    S["pool"] = r.call("pool.get_all")[0]
    S["subjects"] = {}
    for role in ROLES:
        S["subjects"][role] = r.call("subject.create_local_user", "u-" + role, "pw-" + role, [role])
    S["roleref"] = {r.call("role.get_name_label", ref): ref for ref in r.call("role.get_all")}
    eq(set(S["roleref"]), set(ROLES), "role names")


@t.test("subject records of local users: roles hold the role ref")
def _():
    r = S["root"]
    for role, subj in S["subjects"].items():
        eq(r.call("subject.get_roles", subj), [S["roleref"][role]], role)


def check_role(role):
    s = D.login("u-" + role, "pw-" + role)
    wrong = []
    for name, build, least in calls():
        allowed = role in at_least(least)
        try:
            s.call(*build())
            if not allowed:
                wrong.append("%s: allowed, should be denied" % name)
        except XapiError as e:
            if allowed:
                wrong.append("%s: denied with %r" % (name, e.desc))
            elif e.code != "RBAC_PERMISSION_DENIED":
                wrong.append("%s: %r instead of RBAC_PERMISSION_DENIED" % (name, e.desc))
    eq(wrong, [], role)


for _role in ROLES:
    t.test("role %s: the table of allowed and denied calls" % _role)(lambda role=_role: check_role(role))


@t.test("denial carries the method and the roles that have the permission")
def _():
    s = D.login("u-read-only", "pw-read-only")
    e = expect_error(s.call, "RBAC_PERMISSION_DENIED", "VM.set_name_label", S["vm"], "x")
    eq(e.params[0], "VM.set_name_label", "method")
    prefix = "No permission in user session. (Roles with this permission: "
    ok(e.params[1].startswith(prefix) and e.params[1].endswith(")"), "message %r" % e.params[1])
    listed = set(x.strip() for x in e.params[1][len(prefix):-1].split(","))
    eq(listed, at_least("vm-admin"), "roles listed")
    e = expect_error(s.call, "RBAC_PERMISSION_DENIED", "subject.create_local_user", "x", "y", ["read-only"])
    listed = set(x.strip() for x in e.params[1][len(prefix):-1].split(","))
    eq(listed, {"pool-admin"}, "roles listed for create_local_user")


@t.test("denied call changes nothing")
def _():
    s = D.login("u-vm-operator", "pw-vm-operator")
    before = S["root"].call("VM.get_name_label", S["vm"])
    expect_error(s.call, "RBAC_PERMISSION_DENIED", "VM.set_name_label", S["vm"], "hijacked")
    eq(S["root"].call("VM.get_name_label", S["vm"]), before, "name_label")


@t.test("a non-admin (pool-operator, vm-admin) cannot create users")
def _():
    for role in ("pool-operator", "vm-admin"):
        s = D.login("u-" + role, "pw-" + role)
        expect_error(s.call, "RBAC_PERMISSION_DENIED", "subject.create_local_user", "sneaky", "pw", ["pool-admin"])
    expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password", "sneaky", "pw")


@t.test("a non-admin cannot grant itself a role (subject.add_to_roles)")
def _():
    s = D.login("u-vm-admin", "pw-vm-admin")
    expect_error(s.call, "RBAC_PERMISSION_DENIED", "subject.add_to_roles", S["subjects"]["vm-admin"],
                 S["roleref"]["pool-admin"])


@t.test("create_local_user: duplicate name refused; unknown role refused")
def _():
    r = S["root"]
    try:
        r.call("subject.create_local_user", "u-read-only", "other", ["read-only"])
        raise AssertionError("a second user u-read-only was created")
    except XapiError:
        pass
    D.login("u-read-only", "pw-read-only")
    expect_error(r.call, "ROLE_NOT_FOUND", "subject.create_local_user", "u-x", "pw", ["emperor"])


@t.test("add_to_roles changes what a user can do (after re-login)")
def _():
    r = S["root"]
    subj = r.call("subject.create_local_user", "grow", "pw-grow", ["read-only"])
    s = D.login("grow", "pw-grow")
    expect_error(s.call, "RBAC_PERMISSION_DENIED", "VM.set_name_label", S["vm"], "grown")
    r.call("subject.add_to_roles", subj, S["roleref"]["vm-admin"])
    ok(S["roleref"]["vm-admin"] in r.call("subject.get_roles", subj), "role added")
    s = D.login("grow", "pw-grow")
    s.call("VM.set_name_label", S["vm"], "grown")
    r.call("subject.remove_from_roles", subj, S["roleref"]["vm-admin"])
    s = D.login("grow", "pw-grow")
    expect_error(s.call, "RBAC_PERMISSION_DENIED", "VM.set_name_label", S["vm"], "shrunk")


@t.test("add_to_roles of a role already held -> error; remove of a role not held -> error")
def _():
    r = S["root"]
    subj = S["subjects"]["vm-operator"]
    try:
        r.call("subject.add_to_roles", subj, S["roleref"]["vm-operator"])
        raise AssertionError("adding a held role succeeded")
    except XapiError:
        pass
    try:
        r.call("subject.remove_from_roles", subj, S["roleref"]["pool-admin"])
        raise AssertionError("removing a role not held succeeded")
    except XapiError:
        pass
    eq(r.call("subject.get_roles", subj), [S["roleref"]["vm-operator"]], "roles unchanged")


@t.test("subject.destroy removes the user and ends its sessions")
def _():
    r = S["root"]
    subj = r.call("subject.create_local_user", "gone", "pw-gone", ["pool-admin"])
    s = D.login("gone", "pw-gone")
    s.call("pool.get_all")
    r.call("subject.destroy", subj)
    expect_error(s.call, "SESSION_INVALID", "pool.get_all")
    expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password", "gone", "pw-gone")
    ok(subj not in r.call("subject.get_all"), "subject still listed")


@t.test("set_local_password: new password works, old fails")
def _():
    r = S["root"]
    subj = r.call("subject.create_local_user", "pwchange", "old-pw", ["read-only"])
    r.call("subject.set_local_password", subj, "new-pw")
    D.login("pwchange", "new-pw")
    expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password",
                 "pwchange", "old-pw")


@t.test("read-only user sees records but not other users' sessions")
def _():
    s = D.login("u-read-only", "pw-read-only")
    ok(s.call("VM.get_all_records"), "VM records")
    expect_error(s.call, "HANDLE_INVALID", "session.get_record", S["root"].ref)


if __name__ == "__main__":
    t.main()
