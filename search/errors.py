"""Exceptions raised by the search layer; `app/` maps them to exit codes and HTTP statuses.

SearchError
├── SpecError: a study spec is invalid; `.issues` lists (field path, reason) pairs
├── StudyNotFoundError: no study of that name in the storage
├── StudyConflictError: a study of that name exists with another spec
└── StudyCancelled: the study was cancelled while this process ran part of it
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every error `search/` raises on purpose."""


class SpecError(SearchError, ValueError):
    def __init__(self, issues: list[tuple[str, str]]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in issues))


class StudyNotFoundError(SearchError, LookupError):
    pass


class StudyConflictError(SearchError):
    pass


class StudyCancelled(SearchError):
    pass
