"""Shop JSON API on FastAPI: health, user credits, and the orders/payments routers."""
import os

import stripe
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from .db import User, get_session
from .routers import orders, payments

stripe.api_key = os.environ.get("STRIPE_API_KEY", "sk_test_placeholder")

app = FastAPI(title="Shop API")
app.include_router(orders.orders_router)
app.include_router(payments.payments_router)


class CreditTopUp(BaseModel):
    amount: int


# OK: read-only.
@app.get("/health")
def health():  # endpoint: GET /health
    return {"status": "ok"}


# BAD (IDM001): PUT increments the balance; a retried request adds the amount again.
@app.put("/users/{user_id}/credits")
def top_up_credits(  # endpoint: PUT /users/{user_id}/credits
    user_id: int, body: CreditTopUp, session: Session = Depends(get_session)
):
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    user.credits += body.amount
    session.commit()
    return {"credits": user.credits}
