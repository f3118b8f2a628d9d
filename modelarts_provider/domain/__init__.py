"""The resources' rules and lifecycles, one folder per resource (`workspace`, `quotas`): what a
declaration may hold, its canonical form, what a change does, and create/read/update/delete over
plain dicts, shared by both faces. Imports `core` and `api`, never a face."""
