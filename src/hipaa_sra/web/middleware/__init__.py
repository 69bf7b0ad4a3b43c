"""The app's middleware: security headers, session timeouts, required MFA enrolment."""
