"""Settings for greencert, read from the environment (GREENCERT_*)."""

import contextlib
import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from greencert.core.private_files import private_directory, private_file

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("GREENCERT_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("GREENCERT_VAR_DIR", BASE_DIR / "var"))
# The embedded database, uploads and collected static files live here; a fresh clone has none.
# Only the node's own user may enter it (0700).
private_directory(VAR_DIR)
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("GREENCERT_DEBUG", False)
# Under a test runner a task runs where it is enqueued, in memory: a test sees its effect without a
# worker and never writes to a real queue.
TESTING = sys.argv[1:2] == ["test"] or "PYTEST_VERSION" in os.environ
# The key only the test suite signs with; no server starts with it.
TEST_SECRET_KEY = "greencert-test-suite-only-key-never-used-by-a-server"


def secret_key(environ: Mapping[str, str], testing: bool) -> str:
    """GREENCERT_SECRET_KEY, or the key kept in the file GREENCERT_SECRET_KEY_FILE names (created
    once, readable by its owner only; `make demo` keeps one in var/). Without either a server
    refuses to start: a key everyone knows lets anyone forge sessions, signed links and proofs."""
    key = environ.get("GREENCERT_SECRET_KEY", "").strip()
    if key:
        return key
    path = environ.get("GREENCERT_SECRET_KEY_FILE", "").strip()
    if path:
        file = Path(path)
        if not file.exists():
            # Written aside, then linked into place: of processes starting together, one key wins
            # and none reads a half-written file.
            file.parent.mkdir(parents=True, exist_ok=True)
            draft = file.with_name(f".{file.name}.{os.getpid()}")
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as f:
                f.write(secrets.token_urlsafe(64) + "\n")
            try:
                # Another process may have made the key first: its key is the one read below.
                with contextlib.suppress(FileExistsError):
                    os.link(draft, file)
            finally:
                draft.unlink()
        key = file.read_text(encoding="utf-8").strip()
        if key:
            return key
    if testing:
        return TEST_SECRET_KEY
    raise ImproperlyConfigured(
        "未设置密钥：请设置 GREENCERT_SECRET_KEY（至少 50 个随机字符），或以 GREENCERT_SECRET_KEY_FILE "
        "指定保存密钥的文件（不存在时自动生成）。/ No secret key: set GREENCERT_SECRET_KEY (50 or "
        "more random characters), or GREENCERT_SECRET_KEY_FILE to a file that keeps one (created "
        "if missing). `make demo` keeps its key in var/secret-key."
    )


SECRET_KEY = secret_key(os.environ, TESTING)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GREENCERT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GREENCERT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "greencert.core",
    "greencert.regions",
    "greencert.catalog",
    "greencert.parties",
    "greencert.certification",
    "greencert.marks",
    "greencert.exchange",
    "greencert.supervision",
    "greencert.governance",
    "greencert.api",
    "greencert.portal",
]

# Session, language, authentication and messages are Django's own middlewares, subclassed in
# greencert.core.middleware to pass the JSON paths (/api/v1/, /log/, /healthz) straight through:
# those answers read no session, user or language (core.middleware.LEAN_PATHS says which paths).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, whose static files are compressed ahead of time; compresses pages and JSON.
    "django.middleware.gzip.GZipMiddleware",
    "greencert.core.middleware.SessionMiddleware",
    "greencert.portal.middleware.QueryLanguageMiddleware",
    "greencert.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "greencert.core.middleware.RefuseNulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "greencert.core.middleware.AuthenticationMiddleware",
    "greencert.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "greencert.urls"
WSGI_APPLICATION = "greencert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "greencert.portal.identity.site_identity",
            ],
        },
    },
    {
        # The verify page's content (core.jinja says why); the frame stays in Django templates.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "greencert.core.jinja.environment"},
    },
]

SQLITE_PATH = VAR_DIR / "greencert.sqlite3"
DATABASE_URL = os.environ.get("GREENCERT_DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
POSTGRESQL_ENGINE = "greencert.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers serialise instead of one
    # failing with "database is locked" half-way through an action.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
    # Django keeps one connection per thread, so a gunicorn gthread worker holds one per thread
    # and none is shared; the PRAGMAs above run once per connection, not once per request (opening
    # a connection parses the whole schema). A health check before reuse drops a broken one.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A file (not :memory:) so threads in transactional tests share it; one per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-greencert-{os.getpid()}.sqlite3")}
else:
    # Parameters bound on the server, and a statement run PREPARE_THRESHOLD times on a connection
    # prepared there: a lookup's six-table join is then planned once per connection instead of on
    # every request (planning cost ten times its execution). A transaction-mode pooler in front
    # (PgBouncer < 1.21) cannot keep prepared statements: GREENCERT_DATABASE_PREPARE_THRESHOLD=off.
    PREPARE_THRESHOLD = os.environ.get("GREENCERT_DATABASE_PREPARE_THRESHOLD", "2")
    if PREPARE_THRESHOLD.strip().lower() not in {"off", "none", ""}:
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": int(PREPARE_THRESHOLD),
        }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Django's backend, without the health check's round trip for a connection that answered
    # moments ago (core.postgresql).
    DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
    # One test database per test process, so two suites can run side by side on one server.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# PostgreSQL streaming replicas for public reads (core.routers): comma-separated URLs, each added
# as replica_1, replica_2, … with the primary's options; tests run against the primary alone.
REPLICA_URLS = [
    u.strip() for u in os.environ.get("GREENCERT_DATABASE_REPLICA_URLS", "").split(",") if u.strip()
]
if REPLICA_URLS:
    if DATABASES["default"]["ENGINE"] != POSTGRESQL_ENGINE:
        raise RuntimeError(
            "GREENCERT_DATABASE_REPLICA_URLS 须与 PostgreSQL 主库一起使用 / "
            "GREENCERT_DATABASE_REPLICA_URLS needs a PostgreSQL primary in GREENCERT_DATABASE_URL"
        )
    for number, url in enumerate(REPLICA_URLS, start=1):
        replica = dj_database_url.parse(url, conn_max_age=600)
        replica["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
        replica["CONN_HEALTH_CHECKS"] = True
        replica["ENGINE"] = POSTGRESQL_ENGINE
        replica["TEST"] = {"MIRROR": "default"}
        DATABASES[f"replica_{number}"] = replica
    DATABASE_ROUTERS = ["greencert.core.routers.ReplicaRouter"]
    MIDDLEWARE.insert(0, "greencert.core.routers.ReplicaReadMiddleware")

# Background tasks run on huey: webhook deliveries, notification mail and the daily jobs, each
# app's in its own tasks.py, run by `greencert worker`. The queue lives beside the database unless
# GREENCERT_TASKS_URL names another place: an SQLite file next to the embedded database, or huey's
# tables in the same PostgreSQL database; redis://…, postgres://… or sqlite:///… choose for yourself.
TASKS_URL = os.environ.get("GREENCERT_TASKS_URL", "")


def task_queue(url: str, database: Mapping[str, Any], database_url: str) -> dict[str, Any]:
    """huey's storage class and its arguments for GREENCERT_TASKS_URL (empty: beside the database)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"huey_class": "huey.RedisHuey", "url": url}
    if url.startswith(("postgres://", "postgresql://")):
        return {"huey_class": "huey.PostgresHuey", "dsn": url}
    if url.startswith("sqlite:///"):
        return {"huey_class": "huey.SqliteHuey", "filename": url.removeprefix("sqlite:///")}
    if url:
        raise RuntimeError(
            f"GREENCERT_TASKS_URL {url!r} 无效：应为 redis://、postgres:// 或 sqlite:/// 地址，或不设置 / "
            f"GREENCERT_TASKS_URL {url!r} is not valid: expected a redis://, postgres:// or "
            "sqlite:/// URL, or nothing to keep the queue beside the database"
        )
    if database["ENGINE"] == POSTGRESQL_ENGINE:
        return {"huey_class": "huey.PostgresHuey", "dsn": database_url}
    name = str(database["NAME"])
    if name in {"", ":memory:"}:
        return {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")}
    path = Path(name)
    return {
        "huey_class": "huey.SqliteHuey",
        "filename": str(path.with_name(f"{path.stem}-tasks.sqlite3")),
    }


HUEY = {
    "name": "greencert",
    **task_queue(TASKS_URL, DATABASES["default"], DATABASE_URL),
    "immediate": TESTING,
    # Tasks report through the database and the log; nothing reads a stored return value.
    "results": False,
    "consumer": {
        "workers": int(os.environ.get("GREENCERT_WORKER_THREADS", "4")),
        "worker_type": "thread",
        # An idle worker looks for tasks at least twice a second, so a checkpoint follows a
        # commit within about a second (huey backs off to ten seconds by default).
        "max_delay": 0.5,
    },
}

# Keys, files and database roles. Private keys in the database are sealed (Fernet) under
# GREENCERT_KEY_ENCRYPTION_KEY, or else the key in GREENCERT_KEY_ENCRYPTION_KEY_FILE (created 0600
# when missing). The SQLite database and uploads are 0600. On PostgreSQL the tables' owner role
# connects at GREENCERT_MIGRATE_DATABASE_URL (`greencert migrate` and the other schema commands
# use it) and the application as a role that owns nothing (set up by `greencert db_roles`), so it
# cannot create the task queue's tables itself: the owner's `greencert migrate` creates them.
GREENCERT_KEY_ENCRYPTION_KEY = os.environ.get("GREENCERT_KEY_ENCRYPTION_KEY", "")
GREENCERT_KEY_ENCRYPTION_KEY_FILE = Path(
    os.environ.get("GREENCERT_KEY_ENCRYPTION_KEY_FILE", VAR_DIR / "key-encryption.key")
)
GREENCERT_MIGRATE_DATABASE_URL = os.environ.get("GREENCERT_MIGRATE_DATABASE_URL", "")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and str(
    DATABASES["default"]["NAME"]
) not in {"", ":memory:"}:
    private_file(Path(DATABASES["default"]["NAME"]))
if HUEY["huey_class"] == "huey.SqliteHuey":
    private_file(Path(HUEY["filename"]))
if GREENCERT_MIGRATE_DATABASE_URL and HUEY.get("dsn") not in {None, GREENCERT_MIGRATE_DATABASE_URL}:
    HUEY["create_tables"] = False

REDIS_URL = os.environ.get("GREENCERT_REDIS_URL", "")


def shared_cache(redis_url: str) -> dict[str, Any]:
    """The cache every server process shares (rate limits, used proof-of-work challenges, scan
    visitors, receipts): Redis when GREENCERT_REDIS_URL is set, else a table in the database."""
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "greencert-shared",
        }
    return {"BACKEND": "greencert.core.cache.DatabaseCounterCache", "LOCATION": "greencert_cache"}


if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["shared"] = shared_cache(REDIS_URL)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "greencert.core.static_storage.VersionedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/office/"
LOGOUT_REDIRECT_URL = "/"

# Public identity of this regional node: used in QR codes, credentials and receipts.
GREENCERT_NODE_ID = os.environ.get("GREENCERT_NODE_ID", "yrd-sh")
GREENCERT_PUBLIC_URL = os.environ.get("GREENCERT_PUBLIC_URL", "http://127.0.0.1:8000")
# The transparency log's origin (C2SP tlog-checkpoint): its URL under /log/ without the scheme.
GREENCERT_LOG_ORIGIN = os.environ.get(
    "GREENCERT_LOG_ORIGIN",
    GREENCERT_PUBLIC_URL.split("://", 1)[-1].rstrip("/") + "/log",
)
# Who runs this node, at the foot of every public page (portal.identity).
GREENCERT_OPERATOR_ZH = os.environ.get("GREENCERT_OPERATOR_ZH", "演示节点（运营单位未登记）")
GREENCERT_OPERATOR_EN = os.environ.get(
    "GREENCERT_OPERATOR_EN", "Demonstration node (operator not registered)"
)
GREENCERT_OPERATOR_CONTACT = os.environ.get("GREENCERT_OPERATOR_CONTACT", "")
GREENCERT_ICP_RECORD = os.environ.get("GREENCERT_ICP_RECORD", "")
# Where anyone can look a certificate up nationally: CNCA's public information service
# (全国认证认可信息公共服务平台).
GREENCERT_NATIONAL_REGISTRY_URL = os.environ.get(
    "GREENCERT_NATIONAL_REGISTRY_URL", "http://cx.cnca.cn/"
)
# The licence the open-data export is published under (portal /open-data/); the operator's choice.
GREENCERT_OPEN_DATA_LICENCE_NAME = os.environ.get(
    "GREENCERT_OPEN_DATA_LICENCE_NAME", "知识共享署名 4.0 国际许可协议 (CC BY 4.0)"
)
GREENCERT_OPEN_DATA_LICENCE_URL = os.environ.get(
    "GREENCERT_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"
)
# The province whose regulators receive a complaint that names neither a certificate nor a
# province (supervision.complaints); a provincial node sets its own.
GREENCERT_COMPLAINT_DEFAULT_PROVINCE = os.environ.get(
    "GREENCERT_COMPLAINT_DEFAULT_PROVINCE", "310000"
)
# The other provincial nodes (exchange.peers): a YAML file naming them and pinning their keys.
GREENCERT_PEERS_FILE = os.environ.get("GREENCERT_PEERS_FILE", "")
# This node's witness (C2SP tlog-witness): the name its cosignatures carry, how many peer
# witnesses must cosign a checkpoint for it to count as witnessed, and how long a submission to a
# peer's witness may take (seconds) before it is left for the next round.
GREENCERT_WITNESS_NAME = os.environ.get(
    "GREENCERT_WITNESS_NAME",
    GREENCERT_PUBLIC_URL.split("://", 1)[-1].rstrip("/") + "/witness",
)
GREENCERT_WITNESS_QUORUM = int(os.environ.get("GREENCERT_WITNESS_QUORUM", "2"))
GREENCERT_WITNESS_TIMEOUT = float(os.environ.get("GREENCERT_WITNESS_TIMEOUT", "5"))
# Replication applies a peer's new entries only under a checkpoint its witnesses cosigned
# (GREENCERT_WITNESS_QUORUM of them); off, the peer's own signature suffices.
GREENCERT_REPLICATE_WITNESSED_ONLY = env_bool("GREENCERT_REPLICATE_WITNESSED_ONLY", True)
# Seconds between replication rounds (following the peers' logs); 0 turns the periodic task off.
GREENCERT_REPLICATE_SECONDS = int(os.environ.get("GREENCERT_REPLICATE_SECONDS", "5"))
# Certificate numbers: prefix + province code + year + serial + ISO/IEC 7064 check character.
# Internal hosts webhooks may be sent to although they are loopback or private (comma-separated
# names or addresses); every other receiver must be a public address.
GREENCERT_WEBHOOK_ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("GREENCERT_WEBHOOK_ALLOWED_HOSTS", "").split(",") if h.strip()
]
GREENCERT_CERTIFICATE_PREFIX = os.environ.get("GREENCERT_CERTIFICATE_PREFIX", "GC")
# The largest file the office import page accepts (bytes); the command has no limit.
GREENCERT_IMPORT_MAX_BYTES = int(os.environ.get("GREENCERT_IMPORT_MAX_BYTES", 50 * 1024 * 1024))

# bench_lookup's control: /bench/control, a bare view, served only when this is on.
GREENCERT_BENCH_CONTROL = env_bool("GREENCERT_BENCH_CONTROL", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GREENCERT_LOG_LEVEL", "WARNING")},
}

# --- Security: who a request is from, shared limits, login protection, the production switch. ---
# Proxies in front of this node (addresses or networks, comma-separated). Only a request from one
# of them may name the client's address (X-Forwarded-For) or region (GREENCERT_GEO_REGION_HEADER).
GREENCERT_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("GREENCERT_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Rate limits (django-ratelimit) count in the cache all processes share, per client address.
RATELIMIT_USE_CACHE = "shared"
RATELIMIT_IP_META_KEY = "greencert.core.clients.client_address"
# Anonymous printable documents (PDF certificates, marks, status receipts) per client and minute.
GREENCERT_DOCUMENTS_PER_MINUTE = int(os.environ.get("GREENCERT_DOCUMENTS_PER_MINUTE", "20"))
# Seconds a status receipt for one certificate, date and format is served from the shared cache.
GREENCERT_RECEIPT_CACHE_SECONDS = int(os.environ.get("GREENCERT_RECEIPT_CACHE_SECONDS", "300"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Wrong passwords lock the account (from any address) and the address (for any account) out for
# an hour after AXES_FAILURE_LIMIT tries (django-axes); a right password resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("GREENCERT_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("GREENCERT_LOGIN_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "greencert.core.clients.client_address"
AXES_LOCKOUT_TEMPLATE = "portal/login_locked.html"
AXES_VERBOSE = False
# Two-factor login (TOTP, django-otp): whoever enrolled gives a code at login; with
# GREENCERT_REQUIRE_2FA on, the roles in GREENCERT_2FA_ROLES (and staff) must enrol first.
GREENCERT_REQUIRE_2FA = env_bool("GREENCERT_REQUIRE_2FA")
GREENCERT_2FA_ROLES = [
    r.strip()
    for r in os.environ.get("GREENCERT_2FA_ROLES", "regulator,body_staff").split(",")
    if r.strip()
]
OTP_TOTP_ISSUER = "greencert"
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "csp"]

# Middlewares this section adds, and where (perf's path routing must keep them on these paths):
# - OTPMiddleware: after AuthenticationMiddleware, on every path that has a session (pages, admin);
# - TwoFactorRequiredMiddleware: after OTPMiddleware, on the same paths;
# - AxesMiddleware: last; needed only on the login paths (/login/, /admin/login/);
# - CSPMiddleware (django-csp's, its site policy built once): after SecurityMiddleware, on every
#   path (JSON answers too: it costs a header).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "greencert.core.middleware.CSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("greencert.core.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "greencert.portal.twofactor.TwoFactorRequiredMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Every page's scripts and style sheets are files this node serves (vendored ECharts); charts draw
# on canvas, marks are images or inline SVG. Style attributes stay allowed: ECharts' tooltips and
# the scripts set them; no <style> element or inline script runs.
CONTENT_SECURITY_POLICY: dict[str, Any] | None = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# GREENCERT_PRODUCTION=1: the node is served over HTTPS behind a proxy that sets
# X-Forwarded-Proto; `greencert check --deploy` passes with no warning.
PRODUCTION = env_bool("GREENCERT_PRODUCTION")
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("GREENCERT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("GREENCERT_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    X_FRAME_OPTIONS = "DENY"
else:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY
    CONTENT_SECURITY_POLICY = None
SESSION_COOKIE_HTTPONLY = True
