from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed
from greencert.core.readonly_admin import ReadOnlyAdmin
from greencert.exchange import actions
from greencert.exchange.models import (
    AdoptionRecord,
    ApiClient,
    ApiToken,
    IdempotentRequest,
    LogCheckpoint,
    LogHash,
    LogSigningKey,
    WebhookDelivery,
    WebhookSubscription,
)
from greencert.exchange.witness.models import (
    HeldCheckpoint,
    LogCosignature,
    WitnessAlert,
    WitnessKey,
)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "display_name",
        "scopes",
        "rate_limit_per_minute",
        "active",
        "created_at",
    ]
    actions = ["issue_token", "revoke_all_tokens"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]  # the admin requires a login
        super().save_model(request, obj, form, change)

    @admin.action(description="签发新令牌（旧令牌 24 小时后失效） / issue a new token")
    def issue_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            token = actions.rotate_token(Actor.for_user(request.user), client)
            self.message_user(
                request, f"{client.name}: {token}  — 仅显示一次 / shown once", messages.WARNING
            )

    @admin.action(description="吊销全部令牌 / revoke all tokens")
    def revoke_all_tokens(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            count = actions.revoke_tokens(Actor.for_user(request.user), client)
            self.message_user(request, f"{client.name}: {count} revoked")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["client", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["client", "prefix", "token_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    """The receiver's URL checked as the API checks it: a public address, whatever the spelling."""

    class Meta:
        model = WebhookSubscription
        fields = [
            "client",
            "url",
            "holders",
            "categories",
            "regions",
            "event_types",
            "active",
            "cursor",
            "sending_until",
        ]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            actions.check_webhook_url(url)
        except ValidationFailed as exc:
            raise forms.ValidationError(f"{exc.message_zh} / {exc.message_en}") from None
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["client", "url", "active", "cursor", "created_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscription", "event", "state", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["state"]
    list_select_related = ["subscription__client", "event"]


@admin.register(AdoptionRecord)
class AdoptionRecordAdmin(admin.ModelAdmin):
    list_display = ["certificate", "client", "kind", "reference", "adopted_on", "amount_band"]
    list_filter = ["kind", "amount_band"]
    list_select_related = ["certificate", "client"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    """Written only with the write they answer; read here to see what a body's retry got."""

    list_display = ["client", "key", "method", "path", "status_code", "created_at"]
    list_filter = ["status_code"]
    search_fields = ["key", "path"]
    list_select_related = ["client"]


@admin.register(LogCheckpoint)
class LogCheckpointAdmin(ReadOnlyAdmin):
    """The transparency log's signed checkpoints, appended by the log's catch-up."""

    list_display = ["size", "signed_at"]
    fields = ("size", "signed_at", "note")
    ordering = ["-size"]


@admin.register(LogHash)
class LogHashAdmin(ReadOnlyAdmin):
    list_display = ["level", "index"]
    list_filter = ["level"]


@admin.register(LogSigningKey)
class LogSigningKeyAdmin(ReadOnlyAdmin):
    """The key that signs checkpoints; the private key is never shown."""

    list_display = ["name", "verifier_key", "created_at"]
    fields = ("name", "verifier_key", "created_at")


@admin.register(WitnessKey)
class WitnessKeyAdmin(ReadOnlyAdmin):
    """The key this node cosigns peers' checkpoints with; the private key is never shown."""

    list_display = ["name", "verifier_key", "created_at"]
    fields = ("name", "verifier_key", "created_at")


@admin.register(HeldCheckpoint)
class HeldCheckpointAdmin(ReadOnlyAdmin):
    """The latest checkpoint of each peer's log that the witness cosigned."""

    list_display = ["origin", "peer_id", "size", "cosigned_at"]
    fields = ("origin", "peer_id", "size", "cosigned_at", "note")


@admin.register(WitnessAlert)
class WitnessAlertAdmin(ReadOnlyAdmin):
    """Evidence of inconsistent checkpoints: the one held and the one refused."""

    list_display = ["origin", "kind", "held_size", "offered_size", "detected_at"]
    list_filter = ["kind"]
    fields = (
        "origin",
        "peer_id",
        "kind",
        "detected_at",
        "held_size",
        "held_note",
        "offered_size",
        "offered_note",
        "offered_proof",
    )


@admin.register(LogCosignature)
class LogCosignatureAdmin(ReadOnlyAdmin):
    """The peers' cosignatures on this node's checkpoints."""

    list_display = ["checkpoint", "peer_id", "timestamp", "received_at"]
    fields = ("checkpoint", "peer_id", "timestamp", "received_at", "signature")
    list_select_related = ["checkpoint"]


# The replicated logs of the other nodes register their own read-only pages.
from greencert.exchange.borders import admin as borders_admin  # noqa: E402, F401
from greencert.exchange.replication import admin as replication_admin  # noqa: E402, F401
