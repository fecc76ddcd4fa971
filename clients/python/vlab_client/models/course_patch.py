from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CoursePatch")


@_attrs_define
class CoursePatch:
    """
    Attributes:
        archived (bool | None | Unset):
        description (None | str | Unset):
        keep_reset_disks (bool | None | Unset):
        term (None | str | Unset):
        title (None | str | Unset):
    """

    archived: bool | None | Unset = UNSET
    description: None | str | Unset = UNSET
    keep_reset_disks: bool | None | Unset = UNSET
    term: None | str | Unset = UNSET
    title: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        archived: bool | None | Unset
        if isinstance(self.archived, Unset):
            archived = UNSET
        else:
            archived = self.archived

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        keep_reset_disks: bool | None | Unset
        if isinstance(self.keep_reset_disks, Unset):
            keep_reset_disks = UNSET
        else:
            keep_reset_disks = self.keep_reset_disks

        term: None | str | Unset
        if isinstance(self.term, Unset):
            term = UNSET
        else:
            term = self.term

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if archived is not UNSET:
            field_dict["archived"] = archived
        if description is not UNSET:
            field_dict["description"] = description
        if keep_reset_disks is not UNSET:
            field_dict["keep_reset_disks"] = keep_reset_disks
        if term is not UNSET:
            field_dict["term"] = term
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_archived(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        archived = _parse_archived(d.pop("archived", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_keep_reset_disks(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        keep_reset_disks = _parse_keep_reset_disks(d.pop("keep_reset_disks", UNSET))

        def _parse_term(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        term = _parse_term(d.pop("term", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        course_patch = cls(
            archived=archived,
            description=description,
            keep_reset_disks=keep_reset_disks,
            term=term,
            title=title,
        )

        return course_patch
