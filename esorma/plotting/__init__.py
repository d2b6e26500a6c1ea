"""Matplotlib figures of esorma (each function takes ax=None and returns ax)."""

__all__ = []
