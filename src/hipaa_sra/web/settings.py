"""Django settings built from a `WebConfig`: no settings module for users to juggle."""

from __future__ import annotations

from typing import Any

from .config import WebConfig

PASSWORD_MIN_LENGTH = 12

HSTS_SECONDS = 31_536_000
"""One year, the value HSTS preload lists ask for."""


def database_settings(config: WebConfig) -> dict[str, Any]:
    """Django's `DATABASES["default"]` for the config's URL, or the embedded SQLite file."""
    if config.database_url:
        import dj_database_url

        db = dict(
            dj_database_url.parse(config.database_url, conn_max_age=60, conn_health_checks=True)
        )
        db.setdefault("TEST", {})
        return db
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(config.sqlite_path),
        # IMMEDIATE: a writer takes the lock when its transaction starts, so two requests
        # never deadlock upgrading read locks; WAL lets pages read while one writes.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def build_settings(config: WebConfig) -> dict[str, Any]:
    """Every Django setting of the app, for `django.conf.settings.configure`."""
    https = config.behind_tls_proxy
    settings: dict[str, Any] = {
        "DEBUG": config.debug,
        "SECRET_KEY": config.secret_key,
        "ALLOWED_HOSTS": list(config.allowed_hosts),
        "ROOT_URLCONF": "hipaa_sra.web.urls",
        "WSGI_APPLICATION": None,
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django_otp",
            "django_otp.plugins.otp_totp",
            "django_otp.plugins.otp_static",
            "axes",
            "django_htmx",
            "hipaa_sra.web.apps.SraWebConfig",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "hipaa_sra.web.middleware.headers.ContentSecurityPolicyMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django_otp.middleware.OTPMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "hipaa_sra.web.middleware.session.SessionTimeoutMiddleware",
            "hipaa_sra.web.middleware.session.MfaEnrolmentMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "django_htmx.middleware.HtmxMiddleware",
            "hipaa_sra.web.middleware.errors.WorkspaceErrorMiddleware",
            # Last, as django-axes requires: it turns a locked-out login into its response.
            "axes.middleware.AxesMiddleware",
        ],
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "hipaa_sra.web.navigation.navigation",
                    ]
                },
            }
        ],
        "DATABASES": {"default": database_settings(config)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "USE_I18N": False,
        "LANGUAGE_CODE": "en-us",
        "STATIC_URL": "/static/",
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Static files come straight from the installed packages: no collectstatic step.
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": config.debug,
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "dashboard",
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        # Sessions: server-side rows; the cookie is secure, HttpOnly and SameSite=Strict.
        # Browsers treat http://localhost and 127.0.0.1 as secure contexts, so the default
        # loopback server keeps working with Secure cookies.
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "SESSION_COOKIE_AGE": int(config.absolute_timeout.total_seconds()),
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_NAME": "sra_session",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Strict",
        "CSRF_COOKIE_NAME": "sra_csrf",
        "CSRF_FAILURE_VIEW": "hipaa_sra.web.views.errors.csrf_failure",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "SECURE_SSL_REDIRECT": https,
        "SECURE_HSTS_SECONDS": HSTS_SECONDS if https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": https,
        "SECURE_HSTS_PRELOAD": https and config.hsts_preload,
        # Preloading is the domain owner's choice (docs/web.md), not a setting to force.
        "SILENCED_SYSTEM_CHECKS": ["security.W021"],
        # django-axes: five failed passwords for a user name (guessing one account) or from
        # one client address (spraying many) lock that name or address for 30 minutes.
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": 0.5,
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_TEMPLATE": "web/locked_out.html",
        "AXES_VERBOSE": False,
        "OTP_TOTP_ISSUER": "hipaa-sra",
        "MESSAGE_STORAGE": "django.contrib.messages.storage.session.SessionStorage",
        "LOGGING_CONFIG": None,
        "SRA_WEB_CONFIG": config,
    }
    if https:
        # Trusted only behind a proxy that sets it: otherwise a client could claim https.
        settings["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
        settings["CSRF_TRUSTED_ORIGINS"] = [
            f"https://{host}" for host in config.allowed_hosts if not host.startswith((".", "*"))
        ]
    settings.update(config.extra_settings)
    return settings
