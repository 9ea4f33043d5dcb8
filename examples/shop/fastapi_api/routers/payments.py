"""Payments: charge a card through Stripe, read a payment."""
import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ..db import Payment, get_session

payments_router = APIRouter(prefix="/payments", tags=["payments"])


class PaymentIn(BaseModel):
    amount_cents: int
    currency: str = "usd"
    customer_id: str
    payment_method_id: str


# BAD (IDM002): creates a Stripe PaymentIntent with no idempotency key; a client that
# retries after a timeout charges the customer twice.
@payments_router.post("", status_code=status.HTTP_201_CREATED)
def create_payment(  # endpoint: POST /payments
    body: PaymentIn, session: Session = Depends(get_session)
):
    intent = stripe.PaymentIntent.create(
        amount=body.amount_cents,
        currency=body.currency,
        customer=body.customer_id,
        payment_method=body.payment_method_id,
        confirm=True,
    )
    payment = Payment(
        amount_cents=body.amount_cents,
        currency=body.currency,
        stripe_payment_intent=intent.id,
    )
    session.add(payment)
    session.commit()
    return {"id": payment.id, "status": intent.status}


# OK: read-only.
@payments_router.get("/{payment_id}")
def get_payment(  # endpoint: GET /payments/{payment_id}
    payment_id: int, session: Session = Depends(get_session)
):
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise HTTPException(status_code=404, detail="Payment not found")
    return payment
