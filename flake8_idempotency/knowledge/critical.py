"""What makes a POST critical (IDM002), as data: words, payment-provider calls, record creation.

A POST is critical when duplicating it costs something: money moves, an order or a
booking is made twice, an invitation goes out twice. The rule reads these tables;
users replace or extend the words and add calls through options.
"""

from __future__ import annotations

from typing import NamedTuple

#: Whole words (singular or plural) of a path, handler name or view class name.
CRITICAL_WORDS = frozenset(
    {
        "pay",
        "payment",
        "payments",
        "charge",
        "checkout",
        "order",
        "orders",
        "purchase",
        "invoice",
        "refund",
        "transfer",
        "payout",
        "withdraw",
        "withdrawal",
        "deposit",
        "subscription",
        "subscribe",
        "invite",
        "invitation",
        "donate",
        "donation",
        "booking",
        "reservation",
        "transaction",
        "billing",
    }
)

#: A handler name starting with one of these verbs changes an existing thing
#: (``update_order`` sets a sort order, ``set_payment_method``): repeating it sets the
#: same value again. Its words alone (path, name, class) do not make it critical;
#: a provider call or a created critical record still do.
UPDATE_VERBS = frozenset({"update", "set", "edit", "rename", "sort", "modify"})

#: Brand names that camelCase splitting would break into a critical word (``PayPal`` is not ``pay``).
JOINED_NAMES = ("PayPal", "PayU")


class ProviderCall(NamedTuple):
    """A payment-provider SDK call that moves money or creates a billable object.

    ``pattern`` is a dotted name: matched exactly against the call's resolved name
    (``stripe.PaymentIntent.create``), or, with a leading dot, as a suffix of any
    call in a file that imports ``package`` (``.payment_intents.create`` on a
    ``StripeClient`` held in any variable).
    """

    pattern: str
    provider: str
    package: str
    #: What a duplicate does, for the message: "a retried request {effect}".
    effect: str
    #: Index of a positional idempotency-key argument, where the SDK takes one.
    key_position: int | None = None


_CHARGES = "charges twice"
_REFUNDS = "refunds twice"
_PAYS_OUT = "sends the money twice"
_BILLS = "bills twice"
_ORDERS = "creates a second order"


def _stripe() -> tuple[ProviderCall, ...]:
    classic = {
        "PaymentIntent.create": _CHARGES,
        "PaymentIntent.confirm": _CHARGES,
        "PaymentIntent.capture": _CHARGES,
        "Charge.create": _CHARGES,
        "Charge.capture": _CHARGES,
        "Refund.create": _REFUNDS,
        "Transfer.create": _PAYS_OUT,
        "Payout.create": _PAYS_OUT,
        "Topup.create": _CHARGES,
        "Subscription.create": _BILLS,
        "Invoice.create": _BILLS,
        "Invoice.pay": _CHARGES,
        "InvoiceItem.create": _BILLS,
        "CreditNote.create": _REFUNDS,
        "checkout.Session.create": _CHARGES,
    }
    client = {
        "payment_intents.create": _CHARGES,
        "payment_intents.confirm": _CHARGES,
        "payment_intents.capture": _CHARGES,
        "charges.create": _CHARGES,
        "charges.capture": _CHARGES,
        "refunds.create": _REFUNDS,
        "transfers.create": _PAYS_OUT,
        "payouts.create": _PAYS_OUT,
        "topups.create": _CHARGES,
        "subscriptions.create": _BILLS,
        "invoices.create": _BILLS,
        "invoices.pay": _CHARGES,
        "invoice_items.create": _BILLS,
        "credit_notes.create": _REFUNDS,
        "checkout.sessions.create": _CHARGES,
    }
    calls = []
    for name, effect in classic.items():
        calls.append(ProviderCall(f"stripe.{name}", "Stripe", "stripe", effect))
        calls.append(ProviderCall(f"stripe.{name}_async", "Stripe", "stripe", effect))
    for name, effect in client.items():
        calls.append(ProviderCall(f".{name}", "Stripe", "stripe", effect))
        calls.append(ProviderCall(f".{name}_async", "Stripe", "stripe", effect))
    return tuple(calls)


def _calls(provider: str, package: str, effects: dict[str, str], key_position: int | None = None):
    return tuple(ProviderCall(pattern, provider, package, effect, key_position) for pattern, effect in effects.items())


PROVIDER_CALLS: tuple[ProviderCall, ...] = (
    *_stripe(),
    # Braintree: ``braintree.Transaction.sale`` or a gateway's ``gateway.transaction.sale``.
    *_calls(
        "Braintree",
        "braintree",
        {
            "braintree.Transaction.sale": _CHARGES,
            "braintree.Transaction.submit_for_settlement": _CHARGES,
            "braintree.Transaction.refund": _REFUNDS,
            "braintree.Transaction.credit": _PAYS_OUT,
            "braintree.Subscription.create": _BILLS,
            ".transaction.sale": _CHARGES,
            ".transaction.submit_for_settlement": _CHARGES,
            ".transaction.refund": _REFUNDS,
            ".transaction.credit": _PAYS_OUT,
            ".subscription.create": _BILLS,
        },
    ),
    # PayPal: Checkout SDK request objects, the Server SDK controllers, the classic REST SDK.
    *_calls(
        "PayPal",
        "paypalcheckoutsdk",
        {
            ".OrdersCreateRequest": _ORDERS,
            ".OrdersCaptureRequest": _CHARGES,
            ".OrdersAuthorizeRequest": _CHARGES,
            ".AuthorizationsCaptureRequest": _CHARGES,
            ".CapturesRefundRequest": _REFUNDS,
        },
    ),
    *_calls("PayPal", "paypalpayoutssdk", {".PayoutsPostRequest": _PAYS_OUT}),
    *_calls(
        "PayPal",
        "paypalserversdk",
        {
            ".orders.create_order": _ORDERS,
            ".orders.capture_order": _CHARGES,
            ".orders.authorize_order": _CHARGES,
            ".payments.capture_authorized_payment": _CHARGES,
            ".payments.refund_captured_payment": _REFUNDS,
        },
    ),
    *_calls(
        "PayPal",
        "paypalrestsdk",
        {"paypalrestsdk.Payment.create": _CHARGES, "paypalrestsdk.Payout.create": _PAYS_OUT},
    ),
    # Adyen: ``adyen.checkout.payments_api.payments(request, idempotency_key=...)``.
    *_calls(
        "Adyen",
        "Adyen",
        {
            ".payments_api.payments": _CHARGES,
            ".checkout.payments": _CHARGES,
            ".payment.authorise": _CHARGES,
            ".modifications_api.capture_authorised_payment": _CHARGES,
            ".modifications_api.refund_captured_payment": _REFUNDS,
            ".payout.payout": _PAYS_OUT,
        },
    ),
    # Square: the current SDK (``client.payments.create``) and the legacy one (``create_payment``).
    *_calls(
        "Square",
        "square",
        {
            ".payments.create": _CHARGES,
            ".payments.create_payment": _CHARGES,
            ".refunds.refund_payment": _REFUNDS,
            ".orders.create": _ORDERS,
            ".orders.create_order": _ORDERS,
            ".orders.pay_order": _CHARGES,
            ".invoices.create": _BILLS,
            ".invoices.create_invoice": _BILLS,
        },
    ),
    # Mollie: ``mollie_client.payments.create(data, idempotency_key=...)``.
    *_calls(
        "Mollie",
        "mollie",
        {
            ".payments.create": _CHARGES,
            ".orders.create": _ORDERS,
            ".refunds.create": _REFUNDS,
            ".subscriptions.create": _BILLS,
        },
    ),
    # Checkout.com: the idempotency key is a positional argument.
    *_calls("Checkout.com", "checkout_sdk", {".payments.request_payment": _CHARGES}, key_position=1),
    *_calls(
        "Checkout.com",
        "checkout_sdk",
        {".payments.capture_payment": _CHARGES, ".payments.refund_payment": _REFUNDS},
        key_position=2,
    ),
    *_calls("Checkout.com", "checkout_sdk", {".payments.request_payout": _PAYS_OUT}, key_position=1),
    # Razorpay: ``razorpay.Client(...).order.create(...)``.
    *_calls(
        "Razorpay",
        "razorpay",
        {
            ".order.create": _ORDERS,
            ".payment.capture": _CHARGES,
            ".payment.refund": _REFUNDS,
            ".refund.create": _REFUNDS,
            ".transfer.create": _PAYS_OUT,
            ".subscription.create": _BILLS,
            ".invoice.create": _BILLS,
        },
    ),
    # GoCardless: ``client.payments.create(params=..., headers={"Idempotency-Key": ...})``.
    *_calls(
        "GoCardless",
        "gocardless_pro",
        {".payments.create": _CHARGES, ".refunds.create": _REFUNDS, ".subscriptions.create": _BILLS},
    ),
)

#: What a configured ``--idm-critical-calls`` entry does to a retried request.
CONFIGURED_CALL_EFFECT = "runs it twice"
#: A provider call ending in one of these creates the object it is called on:
#: ``stripe.PaymentIntent.create`` is described as "creates a stripe.PaymentIntent".
PROVIDER_CREATE_VERBS = ("create", "create_async")

# -- creating a record --------------------------------------------------------

#: ``Order.objects.create(...)``, ``Order.create(...)`` (Peewee, Tortoise), ``Order.insert(...)``.
MODEL_CREATE_METHODS = frozenset({"create", "acreate", "bulk_create", "abulk_create", "insert", "insert_many"})
#: ``session.add(Order(...))``; ``db.add_all([...])``.
SESSION_ADD_METHODS = frozenset({"add", "add_all"})
#: ``order = Order(...); order.save()`` (Django, MongoEngine, Tortoise, Beanie ``insert``).
INSTANCE_SAVE_METHODS = frozenset({"save", "asave", "insert", "create"})
#: ``OrderSerializer(data=...).save()``, ``OrderForm(request.POST).save()``: the model is the prefix.
RECORD_WRAPPER_SUFFIXES = ("Serializer", "Form")
#: A wrapper built with one of these keywords saves an existing record (an update, not a creation).
EXISTING_RECORD_KEYWORDS = frozenset({"instance", "obj", "object"})
#: ``TeamInvite.objects.create``, ``team.invites.create``, ``db.orders.insert_one``: a new record of any model.
RECORD_CREATE_METHODS = frozenset(
    {"create", "acreate", "bulk_create", "abulk_create", "insert", "insert_one", "insert_many", "create_many"}
)
#: The last word of a model kept only to log a difference: writing one is not a duplicated resource.
LOG_MODEL_WORDS = frozenset({"log", "logentry", "history", "event", "audit", "ledger", "changelog", "activity"})
#: A loop over these (``for change in changes``) writes one row per difference: a log, not a new resource.
DIFFERENCE_WORDS = frozenset({"change", "changes", "changed", "diff", "diffs", "difference", "delta", "deltas"})

# -- what a retried request does twice (v2: critical by effect first) ------------------

#: The first word of a call that sends a message: ``send_mail``, ``invite.send()``, ``send_orga_mail``.
MESSAGE_VERBS = frozenset({"send", "sendmail", "notify", "publish", "email", "mail"})
#: Calls that send a message whatever their first word.
MESSAGE_CALLS = frozenset({"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "send_messages"})
#: Calls that only look like a message: Django signals' ``send_robust`` informs receivers in-process.
NOT_MESSAGE_CALLS = frozenset(
    {"send_robust", "send_response", "send_file", "send_from_directory", "send_header", "send_error"}
    | {"send_static_file"}
)
#: Calls that enqueue a task: Celery ``delay``/``apply_async``, RQ ``enqueue``, FastAPI ``add_task``.
TASK_CALLS = frozenset(
    {"delay", "apply_async", "send_task", "enqueue", "enqueue_call", "enqueue_in", "add_task", "kiq", "async_task"}
)
#: Outbound HTTP clients whose ``post`` sends a request elsewhere: ``requests.post``, ``httpx.AsyncClient().post``.
HTTP_CLIENT_PACKAGES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "niquests", "treq"})
HTTP_POST_METHODS = frozenset({"post"})

#: A method whose first word is one of these only reads, checks, renders or changes a record in
#: place (an update or a delete is the same when repeated): its effect is resolved, nothing is duplicated.
READING_VERBS = frozenset(
    {
        "get", "aget", "is", "has", "can", "check", "validate", "clean", "full", "render", "format", "serialize",
        "to", "as", "from", "parse", "load", "read", "find", "filter", "exclude", "all", "first", "last",
        "count", "exists", "list", "fetch", "select", "order", "values", "annotate", "prefetch", "only",
        "defer", "copy", "items", "keys", "append", "extend", "pop", "join", "split", "strip", "replace",
        "encode", "decode", "lower", "upper", "startswith", "endswith", "dumps", "loads", "dump", "save",
        "asave", "update", "aupdate", "delete", "adelete", "remove", "discard", "clear", "add", "set", "refresh",
        "log", "debug", "info", "warning", "warn", "error", "exception", "success", "build", "compute",
        "calculate", "reverse", "redirect", "url", "json", "dict", "model", "close", "commit", "rollback",
        "flush", "atomic", "begin", "search", "export", "download", "lookup", "resolve", "permission",
        "authenticate", "authorize", "require", "ensure", "assert", "verify", "compare", "sort", "group",
        "paginate", "response", "data", "where", "bind", "with", "raise", "execute", "write", "finish",
        "abort", "http", "initialize", "prepare", "now", "today", "utc",
    }
)
#: A method whose first word is one of these acts on something (``order.pay()``, ``obj.withdraw()``,
#: ``booking.confirm()``): when it is the project's own code the rule cannot see, its effect is unknown.
ACTION_VERBS = frozenset(
    {
        "accept", "approve", "confirm", "process", "place", "submit", "book", "reserve", "register", "perform",
        "apply", "handle", "issue", "grant", "redeem", "claim", "activate", "enroll", "join", "finalize",
        "complete", "fulfil", "fulfill", "deliver", "provision", "trigger", "dispatch", "emit", "generate",
        "import", "sync", "start", "run", "do", "make", "invite", "charge", "pay", "transfer", "refund",
        "withdraw", "deposit", "purchase", "subscribe", "donate", "capture", "checkout", "bill", "resend",
    }
)
