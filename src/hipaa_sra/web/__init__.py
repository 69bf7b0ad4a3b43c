"""The compliance officer's web app (`sra serve`): a Django project over the public library.

Its own database holds users, MFA devices, sessions and the audit trail only; the workspace
files stay the truth, read through `hipaa_sra`'s loading API and changed through `editing/`.
See docs/web.md.
"""
