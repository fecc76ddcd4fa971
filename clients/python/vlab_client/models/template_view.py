from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.disk_bus import DiskBus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_version_view import TemplateVersionView


T = TypeVar("T", bound="TemplateView")


@_attrs_define
class TemplateView:
    """
    Attributes:
        course_id (int):
        cpus (int):
        created_at (str):
        description (str):
        disk_bus (DiskBus): How a VM's disks are attached.
        id (int):
        memory_mib (int):
        name (str):
        versions (list[TemplateVersionView]): Oldest first.
        kernel (None | str | Unset):
    """

    course_id: int
    cpus: int
    created_at: str
    description: str
    disk_bus: DiskBus
    id: int
    memory_mib: int
    name: str
    versions: list[TemplateVersionView]
    kernel: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        course_id = self.course_id

        cpus = self.cpus

        created_at = self.created_at

        description = self.description

        disk_bus = self.disk_bus.value

        id = self.id

        memory_mib = self.memory_mib

        name = self.name

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)

        kernel: None | str | Unset
        if isinstance(self.kernel, Unset):
            kernel = UNSET
        else:
            kernel = self.kernel

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "course_id": course_id,
                "cpus": cpus,
                "created_at": created_at,
                "description": description,
                "disk_bus": disk_bus,
                "id": id,
                "memory_mib": memory_mib,
                "name": name,
                "versions": versions,
            }
        )
        if kernel is not UNSET:
            field_dict["kernel"] = kernel

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.template_version_view import TemplateVersionView

        d = dict(src_dict)
        course_id = d.pop("course_id")

        cpus = d.pop("cpus")

        created_at = d.pop("created_at")

        description = d.pop("description")

        disk_bus = DiskBus(d.pop("disk_bus"))

        id = d.pop("id")

        memory_mib = d.pop("memory_mib")

        name = d.pop("name")

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in _versions:
            versions_item = TemplateVersionView.from_dict(versions_item_data)

            versions.append(versions_item)

        def _parse_kernel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kernel = _parse_kernel(d.pop("kernel", UNSET))

        template_view = cls(
            course_id=course_id,
            cpus=cpus,
            created_at=created_at,
            description=description,
            disk_bus=disk_bus,
            id=id,
            memory_mib=memory_mib,
            name=name,
            versions=versions,
            kernel=kernel,
        )

        template_view.additional_properties = d
        return template_view

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
