"""Webhook endpoints in the API (issue 28), for organizers (wic.api_base.IsOrganizer):

- `GET /api/v1/webhooks/` (list, filter `is_active`), `POST` (create: wic.webhooks.endpoint_create;
  the answer holds the signing `secret`, this once), `GET/PUT/PATCH/DELETE /api/v1/webhooks/{id}/`
  (endpoint_update, endpoint_delete);
- `GET /api/v1/webhooks/{id}/deliveries/`: the endpoint's delivery log, newest first (filter
  `status`, `event`);
- `POST /api/v1/webhooks/{id}/ping/`: a `ping` event to the endpoint (endpoint_ping), 202;
- `POST /api/v1/webhooks/{id}/send-again/`: failed (or named) deliveries sent again
  (deliveries_send_again), as the admin's action on the delivery log.

Every rule (http(s) only, no private address, known events) is wic.webhooks'; its refusals come
back as `{code, message, errors}`. The payloads partners receive are documented in the schema as
the create operation's callbacks, one per event (`<Event>Webhook` envelopes, each with its
`<Event>WebhookData`), and the generic `WebhookEnvelope` (docs/webhooks.md says the same in words)."""
from functools import cache

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiCallback, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import webhooks
from .api_base import IsOrganizer
from .models import WebhookDelivery, WebhookEndpoint

ID_REGEX = "[0-9]{1,18}"  # a path id is ASCII digits: anything else is no endpoint (404), never a lookup


def endpoints_for_api() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.select_related("created_by").order_by("-created", "-id")


def deliveries_for_api(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created", "-id")


# -- serializers -------------------------------------------------------------------------------

class EventChoicesMixin:
    """`events` offers the events the installed apps declare (known once the apps are loaded)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].child.choices = webhooks.event_keys()


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as organizers see it: never its secret (shown once, when it is made)."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True, help_text="Who made it")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "description", "created_by", "created"]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        fields["events"] = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="The keys of the events it receives")
        return fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="The signing secret (`whsec_...`): shown in this answer only, keep it")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(EventChoicesMixin, serializers.Serializer):
    """What an organizer sends to make or change an endpoint. The address's rules (http or https,
    no private address) are wic.webhooks'."""

    url = serializers.CharField(max_length=500, help_text="Where the events are POSTed: an http:// or https:// address")
    events = serializers.ListField(child=serializers.ChoiceField(choices=[]), max_length=100, help_text="The keys of the events it receives")
    is_active = serializers.BooleanField(required=False, default=True, help_text="Off: nothing is sent; pending deliveries wait")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookEnvelopeSerializer(serializers.Serializer):
    """What every delivery POSTs (JSON, UTF-8), whatever the event."""

    id = serializers.UUIDField(help_text="The event's id: the same for every endpoint it goes to, and for each retry (de-duplicate on it)")
    event = serializers.CharField(help_text="The event's key, e.g. `registration.decided`")
    version = serializers.IntegerField(help_text="The envelope's version: 1")
    created = serializers.DateTimeField(help_text="When the event happened, Beijing time (ISO 8601, +08:00)")
    edition = serializers.IntegerField(allow_null=True, help_text="The edition (year) the event belongs to, or null")
    data = serializers.DictField(help_text="The event's data: see the schema of each event")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One delivery of the log: the envelope as sent, the status and the attempts."""

    payload = WebhookEnvelopeSerializer(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "event_id", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "delivered_at", "created", "payload"]
        read_only_fields = fields


class SendAgainSerializer(serializers.Serializer):
    deliveries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10**18 - 1), required=False, max_length=500,
        help_text="The deliveries of this endpoint to send again; without it, every failed one",
    )


class SentAgainSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many deliveries were handed over again (failed and pending ones; delivered ones are left alone)")


HEADERS = (
    "Headers: `WIC-Webhook-Id` (the event's id), `WIC-Webhook-Event` (its key), `WIC-Webhook-Timestamp` (when this attempt was "
    "signed, unix seconds), `WIC-Webhook-Signature: v1=<hex>`, the HMAC-SHA256 keyed with the endpoint's secret of "
    "`<timestamp>.<body>` (the timestamp, a dot, the raw body). Refuse a timestamp more than 5 minutes old. Any 2xx answer "
    "within 5 s marks the delivery delivered; anything else is tried again after 1 min, 5 min, 30 min, 2 h and 12 h, then "
    "marked failed. De-duplicate on the id. docs/webhooks.md has a receiver."
)


@cache
def envelope_serializer(event_key: str) -> type[serializers.Serializer]:
    """The envelope of one event, its `data` typed by the event's serializer: the component
    `<Event>Webhook` (registration.decided -> RegistrationDecidedWebhook). One class per event,
    made once (the schema's registry tells components apart by class)."""
    item = webhooks.event_for(event_key)
    name = "".join(part.capitalize() for part in event_key.replace(".", "_").split("_")) + "Webhook"
    fields = {
        # Lazy, not str(): the class is made once, and its texts follow the language of each schema.
        "data": item.payload(help_text=item.description or "The event's data"),
        "event": serializers.CharField(help_text=f"Always `{event_key}`"),
        "__doc__": f"The envelope of `{event_key}` (its `data` below).",
    }
    return type(name, (WebhookEnvelopeSerializer,), fields)


def event_callbacks() -> list[OpenApiCallback]:
    """One callback of the create operation per event: what the endpoint (`url`) receives."""
    return [
        OpenApiCallback(
            item.key, "{$request.body#/url}",
            extend_schema(
                summary=str(item.label), description=f"{item.description}\n\n{HEADERS}", request=envelope_serializer(item.key),
                responses={200: OpenApiResponse(description="Any 2xx answer: delivered. Anything else, or no answer within 5 s: tried again later.")},
            ),
        )
        for item in [webhooks.PING, *webhooks.events()]
    ]


# -- filters -----------------------------------------------------------------------------------

class WebhookEndpointFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = WebhookEndpoint
        fields = ["is_active"]


class WebhookDeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.STATUSES, label=_("Status"))
    event = django_filters.CharFilter(max_length=60, label=_("Event (key)"))

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event"]


# -- the viewset -------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(description="Invalid input or refused by a rule (`webhook_url_scheme`, `webhook_url_invalid`, `webhook_url_private`, "
                         "`webhook_url_unresolvable`, `webhook_events_required`, `webhook_events_unknown`): `{code, message[, errors]}`"),
    401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"),
    403: OpenApiResponse(description="Organizers only (`permission_denied`)"),
    404: OpenApiResponse(description="No such endpoint"),
    "filter": OpenApiResponse(description="A filter that does not validate (`invalid`): `{code, message, errors}`"),
    "input": OpenApiResponse(description="Invalid input (`invalid`): `{code, message, errors}`"),
}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The endpoint's id")


def _responses(ok, ok_status=200, *codes):
    return {ok_status: ok, **{code: ERRORS[code] for code in codes}}


@extend_schema_view(
    list=extend_schema(
        summary="Webhook endpoints (organizers)",
        description="Newest first. Filter by `is_active`. The payloads each event POSTs are the callbacks of the create operation "
        "(`WebhookEnvelope` and one `<Event>Webhook` schema per event). " + HEADERS,
        responses={200: WebhookEndpointSerializer(many=True), 400: ERRORS["filter"], 401: ERRORS[401], 403: ERRORS[403]},
    ),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description="The answer holds the signing `secret`, this once: keep it. Addresses must be http:// or https:// and, in production, "
        "resolve to public addresses only. The callbacks show what the endpoint receives for each event.",
        request=WebhookEndpointInputSerializer, responses=_responses(WebhookEndpointCreatedSerializer, 201, 400, 401, 403),
        callbacks=event_callbacks(),
    ),
    retrieve=extend_schema(summary="One webhook endpoint", parameters=[ID], responses=_responses(WebhookEndpointSerializer, 200, 401, 403, 404)),
    update=extend_schema(
        summary="Replace a webhook endpoint's address, events and state", description="The secret stays.",
        parameters=[ID], request=WebhookEndpointInputSerializer, responses=_responses(WebhookEndpointSerializer, 200, 400, 401, 403, 404),
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint", description="Fields not sent keep their values. `is_active: false` pauses it.",
        parameters=[ID], request=WebhookEndpointInputSerializer, responses=_responses(WebhookEndpointSerializer, 200, 400, 401, 403, 404),
    ),
    destroy=extend_schema(
        summary="Delete a webhook endpoint", description="With its delivery log.", parameters=[ID],
        responses={204: OpenApiResponse(description="Deleted"), 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    ),
)
class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                             mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsOrganizer]
    filterset_class = WebhookEndpointFilter
    queryset = endpoints_for_api()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return endpoints_for_api()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return WebhookEndpointInputSerializer
        if self.action == "deliveries":
            return WebhookDeliverySerializer
        return WebhookEndpointSerializer

    def create(self, request, *args, **kwargs):
        serializer = WebhookEndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = webhooks.endpoint_create(**serializer.validated_data, actor=request.user)
        endpoint = endpoints_for_api().get(pk=endpoint.pk)
        endpoint.secret = secret
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = WebhookEndpointInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        webhooks.endpoint_update(endpoint=endpoint, **serializer.validated_data)
        return Response(WebhookEndpointSerializer(endpoints_for_api().get(pk=endpoint.pk)).data)

    def perform_destroy(self, instance):
        webhooks.endpoint_delete(endpoint=instance)

    @extend_schema(
        summary="A webhook endpoint's deliveries",
        description="Newest first, each with the envelope as sent, its status (pending, delivered, failed), attempts, the next attempt, "
        "the last HTTP status and error. Filter by `status` and `event`. Deliveries are kept 30 days.",
        parameters=[
            ID,
            OpenApiParameter("status", str, OpenApiParameter.QUERY, enum=[value for value, _label in WebhookDelivery.STATUSES], description="Status"),
            OpenApiParameter("event", str, OpenApiParameter.QUERY, description="Event (key)"),
        ],
        responses={200: WebhookDeliverySerializer(many=True), 400: ERRORS["filter"], 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        filtered = WebhookDeliveryFilter(request.query_params, queryset=deliveries_for_api(endpoint))
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        page = self.paginate_queryset(filtered.qs)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a webhook endpoint's deliveries again",
        description="The failed and pending deliveries named (of this endpoint; without `deliveries`, every failed one) start a new series "
        "of attempts now, after this answer; delivered ones are left alone: an event is delivered once per endpoint.",
        parameters=[ID], request=SendAgainSerializer,
        responses={200: SentAgainSerializer, 400: ERRORS["input"], 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"], url_path="send-again")
    def send_again(self, request, pk=None):
        endpoint = self.get_object()
        serializer = SendAgainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        chosen = WebhookDelivery.objects.filter(endpoint=endpoint)
        if "deliveries" in serializer.validated_data:
            chosen = chosen.filter(pk__in=serializer.validated_data["deliveries"])
        else:
            chosen = chosen.filter(status=WebhookDelivery.FAILED)
        return Response(SentAgainSerializer({"queued": webhooks.deliveries_send_again(deliveries=chosen)}).data)

    @extend_schema(
        summary="Send a ping to a webhook endpoint",
        description="A `ping` event (data: the endpoint's id and events), whatever the endpoint subscribes to and even while it is "
        "inactive, sent at once after this answer and retried as any event. Answers with its delivery; follow it in the deliveries.",
        parameters=[ID], request=None, responses=_responses(WebhookDeliverySerializer, 202, 401, 403, 404),
    )
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        endpoint = self.get_object()
        delivery = webhooks.endpoint_ping(endpoint=endpoint)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

