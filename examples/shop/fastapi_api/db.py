"""Database setup and models for the FastAPI part of the shop (SQLAlchemy 2.0)."""
import os
from collections.abc import Iterator
from typing import Optional

from sqlalchemy import ForeignKey, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///shop.db"))
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    credits: Mapped[int] = mapped_column(default=0)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    previous_id: Mapped[Optional[int]] = mapped_column(ForeignKey("orders.id"))
    payment_intent_id: Mapped[Optional[str]] = mapped_column(String(64))
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(255), unique=True)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    stripe_payment_intent: Mapped[str] = mapped_column(String(64))


def get_session() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
