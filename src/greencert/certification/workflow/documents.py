"""Application documents: type and size checked, stored with their SHA-256, never public."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from greencert.certification.models import Application, ApplicationDocument
from greencert.certification.workflow.machine import workflow
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed

Upload = UploadedFile

# What a file of each extension starts with; a renamed executable is refused.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
}


def check_upload(kind: str, upload: Upload) -> tuple[str, int, str]:
    """The file's extension, size and SHA-256, or a ValidationFailed naming what is wrong."""
    flow = workflow()
    if kind not in flow.document_kinds:
        raise ValidationFailed(
            field="kind",
            value=kind,
            expected_zh="资料类型之一：" + "、".join(k.zh for k in flow.document_kinds.values()),
            expected_en="one of the document kinds: "
            + ", ".join(k.en for k in flow.document_kinds.values()),
        )
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = sorted(flow.document_extensions)
    if extension not in flow.document_extensions:
        raise ValidationFailed(
            field="file",
            value=name,
            expected_zh=f"文件类型为 {', '.join(allowed)} 之一",
            expected_en=f"a file of type {', '.join(allowed)}",
        )
    size = upload.size or 0
    limit, least = flow.document_max_bytes, flow.document_min_bytes
    if size < least or size > limit:
        raise ValidationFailed(
            field="file",
            value=f"{name} ({size} bytes)",
            expected_zh=f"{least} 字节至 {limit // (1024 * 1024)} MB 的文件（扫描件或电子文件）",
            expected_en=f"a file of {least} bytes to {limit // (1024 * 1024)} MB (a scan or an "
            "electronic document)",
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if not head:
            head = bytes(chunk[:16])
        digest.update(chunk)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES.get(extension, (b"",))):
        raise ValidationFailed(
            field="file",
            value=name,
            expected_zh=f"内容与扩展名 .{extension} 相符的文件",
            expected_en=f"a file whose content matches its .{extension} extension",
        )
    return extension, size, digest.hexdigest()


def store_document(
    application: Application, kind: str, upload: Upload, actor: Actor
) -> ApplicationDocument:
    extension, size, sha256 = check_upload(kind, upload)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=PurePath(upload.name or "").name[:200],
        size=size,
        sha256=sha256,
        uploaded_by=actor.user,
        uploaded_at=timezone.now(),
    )
    # Stored under its hash, not its name: nothing the uploader typed reaches the file system,
    # and the same content uploaded twice is stored once.
    field = document.file.field
    path = field.generate_filename(document, f"{sha256}.{extension}")
    if field.storage.exists(path):
        document.file.name = path
    else:
        document.file.save(f"{sha256}.{extension}", upload, save=False)
    document.save()
    return document


def checklist(application: Application) -> list[tuple[str, Any, bool]]:
    """The documents the application must carry before it is accepted: (kind, label, present)."""
    flow = workflow()
    present = set(application.documents.values_list("kind", flat=True))
    return [
        (kind, flow.document_kinds[kind], kind in present)
        for kind in flow.required_for(application.category.kind)
    ]


def refuse_if_documents_missing(application: Application) -> None:
    """受理 needs every required document; the refusal names the missing ones."""
    missing = [label for _kind, label, present in checklist(application) if not present]
    if missing:
        raise ValidationFailed(
            field="documents",
            value="、".join(m.zh for m in missing),
            expected_zh="受理前须提交全部申请资料，尚缺：" + "、".join(m.zh for m in missing),
            expected_en="every required document before acceptance; missing: "
            + ", ".join(m.en for m in missing),
        )
