"""Service coverage of the webhooks area (wic/webhooks.py; tests/wic/test_api_coverage.py)."""

PAGE_ONLY = {
    "wic.webhooks.delivery_send": "the Celery task wic.deliver_webhook's work: one attempt at a recorded delivery",
    "wic.webhooks.sweep": "the beat task wic.sweep_webhooks: due retries and first attempts the broker never got",
    "wic.webhooks.purge": "the beat task wic.purge_webhook_deliveries: deliveries older than 30 days deleted",
    "wic.webhooks.envelope": "builds the envelope a delivery POSTs (emit's helper); no action of its own",
}

COVERED = {
    "wic.webhooks.endpoint_create": "POST /api/v1/webhooks/",
    "wic.webhooks.endpoint_update": "PUT /api/v1/webhooks/{id}/, PATCH /api/v1/webhooks/{id}/",
    "wic.webhooks.endpoint_delete": "DELETE /api/v1/webhooks/{id}/",
    "wic.webhooks.endpoint_ping": "POST /api/v1/webhooks/{id}/ping/",
    "wic.webhooks.deliveries_send_again": "POST /api/v1/webhooks/{id}/send-again/ (and the admin's action on the delivery log)",
}
