from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CourseView")


@_attrs_define
class CourseView:
    """A course. `my_role` is the caller's role in it (`teacher`, `student`),
    none for admins who are not members.

        Attributes:
            archived (bool):
            code (str):
            created_at (str):
            description (str):
            id (int):
            keep_reset_disks (bool): Keep a student's old disk for the teacher when the VM is reset.
            students (int):
            teachers (int):
            term (str):
            title (str):
            updated_at (str):
            my_role (None | str | Unset):
    """

    archived: bool
    code: str
    created_at: str
    description: str
    id: int
    keep_reset_disks: bool
    students: int
    teachers: int
    term: str
    title: str
    updated_at: str
    my_role: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archived = self.archived

        code = self.code

        created_at = self.created_at

        description = self.description

        id = self.id

        keep_reset_disks = self.keep_reset_disks

        students = self.students

        teachers = self.teachers

        term = self.term

        title = self.title

        updated_at = self.updated_at

        my_role: None | str | Unset
        if isinstance(self.my_role, Unset):
            my_role = UNSET
        else:
            my_role = self.my_role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "archived": archived,
                "code": code,
                "created_at": created_at,
                "description": description,
                "id": id,
                "keep_reset_disks": keep_reset_disks,
                "students": students,
                "teachers": teachers,
                "term": term,
                "title": title,
                "updated_at": updated_at,
            }
        )
        if my_role is not UNSET:
            field_dict["my_role"] = my_role

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        archived = d.pop("archived")

        code = d.pop("code")

        created_at = d.pop("created_at")

        description = d.pop("description")

        id = d.pop("id")

        keep_reset_disks = d.pop("keep_reset_disks")

        students = d.pop("students")

        teachers = d.pop("teachers")

        term = d.pop("term")

        title = d.pop("title")

        updated_at = d.pop("updated_at")

        def _parse_my_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        my_role = _parse_my_role(d.pop("my_role", UNSET))

        course_view = cls(
            archived=archived,
            code=code,
            created_at=created_at,
            description=description,
            id=id,
            keep_reset_disks=keep_reset_disks,
            students=students,
            teachers=teachers,
            term=term,
            title=title,
            updated_at=updated_at,
            my_role=my_role,
        )

        course_view.additional_properties = d
        return course_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
