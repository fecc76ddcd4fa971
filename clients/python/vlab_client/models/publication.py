from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.lab_view import LabView
    from ..models.operation_view import OperationView


T = TypeVar("T", bound="Publication")


@_attrs_define
class Publication:
    """A published lab and the operation making its VMs.

    Attributes:
        lab (LabView): A lab: a template version handed out to every student of a course.
        operation (OperationView): A long-running piece of work.
    """

    lab: LabView
    operation: OperationView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lab = self.lab.to_dict()

        operation = self.operation.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lab": lab,
                "operation": operation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.lab_view import LabView
        from ..models.operation_view import OperationView

        d = dict(src_dict)
        lab = LabView.from_dict(d.pop("lab"))

        operation = OperationView.from_dict(d.pop("operation"))

        publication = cls(
            lab=lab,
            operation=operation,
        )

        publication.additional_properties = d
        return publication

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
