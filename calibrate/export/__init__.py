"""Exports of a scoring config for other systems: SQL, CRM rule sheets, JSON."""
