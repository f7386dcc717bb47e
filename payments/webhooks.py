"""The providers' webhook endpoints (panel host, no session, no CSRF: the signature or PayPal's own
API is the authentication). Never a 500: a body we cannot use is a 400, an unreachable provider a 503
(so the provider delivers again later), everything else a 200 with what was done."""

import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import providers, services
from .choices import GatewayKind
from .models import PaymentGateway

log = logging.getLogger(__name__)


def _body(request) -> bytes | None:
    """The raw body, or None when it is larger than WEBHOOK_MAX_BYTES."""
    limit = settings.WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _answer(handle, gateway: PaymentGateway):
    try:
        outcome = handle()
    except services.WebhookRefused as exc:
        log.info("webhook refused for gateway %s: %s", gateway.pk, exc)
        return HttpResponse("Refused.", status=400, content_type="text/plain")
    except providers.ProviderError:
        return HttpResponse(
            "Provider unreachable; deliver again later.", status=503, content_type="text/plain"
        )
    return JsonResponse({"outcome": outcome})


@csrf_exempt
@require_POST
def stripe_webhook(request, gateway_id: int):
    gateway = get_object_or_404(PaymentGateway, pk=gateway_id, kind=GatewayKind.STRIPE)
    body = _body(request)
    if body is None:
        return HttpResponse("Too large.", status=413, content_type="text/plain")
    signature = request.headers.get("Stripe-Signature", "")
    return _answer(
        lambda: services.stripe_webhook_handle(gateway=gateway, payload=body, signature=signature), gateway
    )


@csrf_exempt
@require_POST
def paypal_webhook(request, gateway_id: int):
    gateway = get_object_or_404(PaymentGateway, pk=gateway_id, kind=GatewayKind.PAYPAL)
    body = _body(request)
    if body is None:
        return HttpResponse("Too large.", status=413, content_type="text/plain")
    return _answer(lambda: services.paypal_webhook_handle(gateway=gateway, payload=body), gateway)
