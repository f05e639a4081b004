// Entry point of the OVCP web UI.
import './ui/app.js';
