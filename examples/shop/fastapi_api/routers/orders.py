"""Orders: read, create (with an idempotency key), replace."""
import stripe
from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Order, get_session

orders_router = APIRouter(prefix="/orders", tags=["orders"])


class OrderIn(BaseModel):
    sku: str
    quantity: int
    amount_cents: int


def _get_order(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    return order


# OK: read-only.
@orders_router.get("/{order_id}")
def get_order(  # endpoint: GET /orders/{order_id}
    order_id: int, session: Session = Depends(get_session)
):
    return _get_order(session, order_id)


# OK (IDM002 satisfied): reads the Idempotency-Key header, returns the order already made
# for that key, and passes the key on to Stripe, so a retry neither re-orders nor re-charges.
@orders_router.post("", status_code=status.HTTP_201_CREATED)
def create_order(  # endpoint: POST /orders
    request: Request, body: OrderIn, session: Session = Depends(get_session)
):
    key = request.headers.get("Idempotency-Key")
    if not key:
        raise HTTPException(status_code=400, detail="Idempotency-Key header is required")
    existing = session.scalar(select(Order).where(Order.idempotency_key == key))
    if existing is not None:
        return existing
    intent = stripe.PaymentIntent.create(
        amount=body.amount_cents,
        currency="usd",
        metadata={"sku": body.sku},
        idempotency_key=key,
    )
    order = Order(
        sku=body.sku,
        quantity=body.quantity,
        payment_intent_id=intent.id,
        idempotency_key=key,
    )
    session.add(order)
    session.commit()
    return order


# BAD (IDM004): PUT writes a brand-new Order row on every call (keeping the old one as
# "history") instead of replacing order {order_id}; each retry adds another order.
@orders_router.put("/{order_id}")
def replace_order(  # endpoint: PUT /orders/{order_id}
    order_id: int, body: OrderIn, session: Session = Depends(get_session)
):
    _get_order(session, order_id)
    session.add(Order(previous_id=order_id, sku=body.sku, quantity=body.quantity))
    session.commit()
    return {"replaced": order_id}
