"""The billing service's tables, as SQLAlchemy models (the migrations in alembic/versions
create exactly these)."""
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_account_status", "account_ref", "status"),)
    id = Column(Integer, primary_key=True)
    account_ref = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False, server_default="open")
    total_cents = Column(BigInteger, nullable=False, server_default="0")
    created_at = Column(DateTime, nullable=False, server_default=func.now())


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    id = Column(Integer, primary_key=True)
    invoice_id = Column(Integer, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False)
    description = Column(String(255), nullable=False)
    amount_cents = Column(BigInteger, nullable=False)
