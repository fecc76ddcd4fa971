from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LabView")


@_attrs_define
class LabView:
    """A lab: a template version handed out to every student of a course.

    Attributes:
        course_code (str):
        course_id (int):
        cpus (int):
        created_at (str):
        description (str):
        id (int):
        memory_mib (int):
        name (str):
        outbound (bool): Whether the lab's VMs may open connections to other hosts (never to
            this one); each lab VM follows it.
        template_id (int):
        template_name (str):
        template_version_id (int):
        version (int):
        vm_count (int):
        auto_start_minutes (int | None | Unset): Start every student's VM this many minutes before `opens_at`.
        auto_stop_minutes (int | None | Unset): Stop every VM this many minutes after `closes_at`.
        closes_at (None | str | Unset):
        idle_stop_minutes (int | None | Unset): Stop a VM after this many minutes without console activity.
        my_vm_id (int | None | Unset): The caller's own VM in this lab, if any.
        my_vm_state (None | str | Unset):
        node_id (int | None | Unset): The node an admin pinned the lab to: its VMs are made there.
        opens_at (None | str | Unset): RFC 3339 times; none means always open.
    """

    course_code: str
    course_id: int
    cpus: int
    created_at: str
    description: str
    id: int
    memory_mib: int
    name: str
    outbound: bool
    template_id: int
    template_name: str
    template_version_id: int
    version: int
    vm_count: int
    auto_start_minutes: int | None | Unset = UNSET
    auto_stop_minutes: int | None | Unset = UNSET
    closes_at: None | str | Unset = UNSET
    idle_stop_minutes: int | None | Unset = UNSET
    my_vm_id: int | None | Unset = UNSET
    my_vm_state: None | str | Unset = UNSET
    node_id: int | None | Unset = UNSET
    opens_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        course_code = self.course_code

        course_id = self.course_id

        cpus = self.cpus

        created_at = self.created_at

        description = self.description

        id = self.id

        memory_mib = self.memory_mib

        name = self.name

        outbound = self.outbound

        template_id = self.template_id

        template_name = self.template_name

        template_version_id = self.template_version_id

        version = self.version

        vm_count = self.vm_count

        auto_start_minutes: int | None | Unset
        if isinstance(self.auto_start_minutes, Unset):
            auto_start_minutes = UNSET
        else:
            auto_start_minutes = self.auto_start_minutes

        auto_stop_minutes: int | None | Unset
        if isinstance(self.auto_stop_minutes, Unset):
            auto_stop_minutes = UNSET
        else:
            auto_stop_minutes = self.auto_stop_minutes

        closes_at: None | str | Unset
        if isinstance(self.closes_at, Unset):
            closes_at = UNSET
        else:
            closes_at = self.closes_at

        idle_stop_minutes: int | None | Unset
        if isinstance(self.idle_stop_minutes, Unset):
            idle_stop_minutes = UNSET
        else:
            idle_stop_minutes = self.idle_stop_minutes

        my_vm_id: int | None | Unset
        if isinstance(self.my_vm_id, Unset):
            my_vm_id = UNSET
        else:
            my_vm_id = self.my_vm_id

        my_vm_state: None | str | Unset
        if isinstance(self.my_vm_state, Unset):
            my_vm_state = UNSET
        else:
            my_vm_state = self.my_vm_state

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        opens_at: None | str | Unset
        if isinstance(self.opens_at, Unset):
            opens_at = UNSET
        else:
            opens_at = self.opens_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "course_code": course_code,
                "course_id": course_id,
                "cpus": cpus,
                "created_at": created_at,
                "description": description,
                "id": id,
                "memory_mib": memory_mib,
                "name": name,
                "outbound": outbound,
                "template_id": template_id,
                "template_name": template_name,
                "template_version_id": template_version_id,
                "version": version,
                "vm_count": vm_count,
            }
        )
        if auto_start_minutes is not UNSET:
            field_dict["auto_start_minutes"] = auto_start_minutes
        if auto_stop_minutes is not UNSET:
            field_dict["auto_stop_minutes"] = auto_stop_minutes
        if closes_at is not UNSET:
            field_dict["closes_at"] = closes_at
        if idle_stop_minutes is not UNSET:
            field_dict["idle_stop_minutes"] = idle_stop_minutes
        if my_vm_id is not UNSET:
            field_dict["my_vm_id"] = my_vm_id
        if my_vm_state is not UNSET:
            field_dict["my_vm_state"] = my_vm_state
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if opens_at is not UNSET:
            field_dict["opens_at"] = opens_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        course_code = d.pop("course_code")

        course_id = d.pop("course_id")

        cpus = d.pop("cpus")

        created_at = d.pop("created_at")

        description = d.pop("description")

        id = d.pop("id")

        memory_mib = d.pop("memory_mib")

        name = d.pop("name")

        outbound = d.pop("outbound")

        template_id = d.pop("template_id")

        template_name = d.pop("template_name")

        template_version_id = d.pop("template_version_id")

        version = d.pop("version")

        vm_count = d.pop("vm_count")

        def _parse_auto_start_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        auto_start_minutes = _parse_auto_start_minutes(
            d.pop("auto_start_minutes", UNSET)
        )

        def _parse_auto_stop_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        auto_stop_minutes = _parse_auto_stop_minutes(d.pop("auto_stop_minutes", UNSET))

        def _parse_closes_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        closes_at = _parse_closes_at(d.pop("closes_at", UNSET))

        def _parse_idle_stop_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        idle_stop_minutes = _parse_idle_stop_minutes(d.pop("idle_stop_minutes", UNSET))

        def _parse_my_vm_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        my_vm_id = _parse_my_vm_id(d.pop("my_vm_id", UNSET))

        def _parse_my_vm_state(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        my_vm_state = _parse_my_vm_state(d.pop("my_vm_state", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        def _parse_opens_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        opens_at = _parse_opens_at(d.pop("opens_at", UNSET))

        lab_view = cls(
            course_code=course_code,
            course_id=course_id,
            cpus=cpus,
            created_at=created_at,
            description=description,
            id=id,
            memory_mib=memory_mib,
            name=name,
            outbound=outbound,
            template_id=template_id,
            template_name=template_name,
            template_version_id=template_version_id,
            version=version,
            vm_count=vm_count,
            auto_start_minutes=auto_start_minutes,
            auto_stop_minutes=auto_stop_minutes,
            closes_at=closes_at,
            idle_stop_minutes=idle_stop_minutes,
            my_vm_id=my_vm_id,
            my_vm_state=my_vm_state,
            node_id=node_id,
            opens_at=opens_at,
        )

        lab_view.additional_properties = d
        return lab_view

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
