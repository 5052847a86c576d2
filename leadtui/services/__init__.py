"""The async service layer: every business rule, once. No Textual here.

The audit hook is registered by services/database.py, through which every Database is opened; importing
leadtui.services.errors alone stays light, so screens can name DomainError without loading SQLAlchemy.
"""
