"""Maintenance tools for the course's notebooks (not needed to follow the lessons)."""
