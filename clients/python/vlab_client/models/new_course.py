from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewCourse")


@_attrs_define
class NewCourse:
    """
    Attributes:
        code (str): Short unique code, e.g. `NET-101`.
        title (str):
        description (None | str | Unset):
        keep_reset_disks (bool | None | Unset):
        term (None | str | Unset):
    """

    code: str
    title: str
    description: None | str | Unset = UNSET
    keep_reset_disks: bool | None | Unset = UNSET
    term: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        title = self.title

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

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "title": title,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if keep_reset_disks is not UNSET:
            field_dict["keep_reset_disks"] = keep_reset_disks
        if term is not UNSET:
            field_dict["term"] = term

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        title = d.pop("title")

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

        new_course = cls(
            code=code,
            title=title,
            description=description,
            keep_reset_disks=keep_reset_disks,
            term=term,
        )

        return new_course
