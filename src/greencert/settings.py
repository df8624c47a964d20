"""Settings for greencert, read from the environment (GREENCERT_*)."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("GREENCERT_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("GREENCERT_VAR_DIR", BASE_DIR / "var"))
# The embedded database, uploads and collected static files live here; a fresh clone has none.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("GREENCERT_DEBUG", False)
SECRET_KEY = os.environ.get("GREENCERT_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("GREENCERT_REQUIRE_SECRET_KEY"):
        raise RuntimeError("GREENCERT_SECRET_KEY must be set")
    SECRET_KEY = "greencert-insecure-development-key-change-me-in-production"
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

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "greencert.portal.middleware.QueryLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "greencert.core.middleware.RefuseNulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
]

SQLITE_PATH = VAR_DIR / "greencert.sqlite3"
DATABASE_URL = os.environ.get("GREENCERT_DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
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
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not :memory:) so threads in transactional tests share it; one per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-greencert-{os.getpid()}.sqlite3")}
else:
    # One test database per test process, so two suites can run side by side on one server.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# Background tasks run on huey: webhook deliveries, notification mail and the daily jobs, each
# app's in its own tasks.py, run by `greencert worker`. The queue lives beside the database unless
# GREENCERT_TASKS_URL names another place: an SQLite file next to the embedded database, or huey's
# tables in the same PostgreSQL database; redis://…, postgres://… or sqlite:///… choose for yourself.
TASKS_URL = os.environ.get("GREENCERT_TASKS_URL", "")
# Under a test runner a task runs where it is enqueued, in memory: a test sees its effect without a
# worker and never writes to a real queue.
TESTING = sys.argv[1:2] == ["test"] or "PYTEST_VERSION" in os.environ


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
    if database["ENGINE"] == "django.db.backends.postgresql":
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

REDIS_URL = os.environ.get("GREENCERT_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

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
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
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
GREENCERT_CERTIFICATE_PREFIX = os.environ.get("GREENCERT_CERTIFICATE_PREFIX", "GC")
# The largest file the office import page accepts (bytes); the command has no limit.
GREENCERT_IMPORT_MAX_BYTES = int(os.environ.get("GREENCERT_IMPORT_MAX_BYTES", 50 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GREENCERT_LOG_LEVEL", "WARNING")},
}
