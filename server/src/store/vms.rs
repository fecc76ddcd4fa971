//! Virtual machines and their port forwards.

use super::db::{on_db, Dialect};
use super::Store;
use crate::engine::state::VmState;
use crate::time::rfc3339;
use app::types::{DiskBus, NetworkMode, PortForwardView, VmView};
use sqlx::QueryBuilder;

/// The tables `list_vms` reads: a kept page of VMs is good while none of
/// them changes.
pub const VM_LIST_TABLES: super::changes::Tables = super::changes::Tables::of(&["vms", "users", "vm_port_forwards", "disks"]);

/// A VM's row; `list_vms` has SQLite write it as JSON, with its forwards
/// `[id, protocol, host port, guest port]` and disks `[updated_at, id]`.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct VmRow {
    id: i64,
    uuid: String,
    name: String,
    description: String,
    owner_id: i64,
    owner: String,
    cpus: i64,
    memory_mib: i64,
    boot_order: String,
    disk_bus: String,
    network: String,
    #[serde(deserialize_with = "int_bool")]
    outbound: bool,
    bridge: Option<String>,
    kernel: Option<String>,
    state: String,
    state_reason: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    needs_restart: bool,
    iso_id: Option<i64>,
    lab_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
    node_id: Option<i64>,
    #[sqlx(skip)]
    #[serde(default)]
    forwards: Vec<(i64, String, i64, i64)>,
    #[sqlx(skip)]
    #[serde(default)]
    disks: Vec<(i64, i64)>,
}

/// SQLite's booleans are 0 and 1 in its JSON; PostgreSQL's are booleans.
fn int_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match <Flag as serde::Deserialize>::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
}

const VM_SELECT: &str = "SELECT v.id, v.uuid, v.name, v.description, v.owner_id, u.username AS owner, v.cpus, \
    v.memory_mib, v.boot_order, v.disk_bus, v.network, v.outbound, v.bridge, v.kernel, v.state, v.state_reason, \
    v.needs_restart, v.iso_id, v.lab_id, v.created_at, v.updated_at, v.node_id FROM vms v JOIN users u ON u.id = v.owner_id";

/// A VM as the engine and services need it.
#[derive(Debug, Clone)]
pub struct VmRecord {
    pub view: VmView,
    pub state: VmState,
    pub bridge: Option<String>,
}

impl VmRow {
    fn into_record(self, forwards: Vec<PortForwardView>, disk_ids: Vec<i64>) -> VmRecord {
        let state = VmState::parse(&self.state).unwrap_or(VmState::Crashed);
        VmRecord {
            state,
            bridge: self.bridge,
            view: VmView {
                id: self.id,
                uuid: self.uuid,
                name: self.name,
                description: self.description,
                owner_id: self.owner_id,
                owner: self.owner,
                cpus: self.cpus as u32,
                memory_mib: self.memory_mib as u32,
                boot_order: self.boot_order,
                disk_bus: DiskBus::parse(&self.disk_bus).unwrap_or_default(),
                network: NetworkMode::parse(&self.network).unwrap_or(NetworkMode::None),
                outbound: self.outbound,
                kernel: self.kernel,
                port_forwards: forwards,
                iso_id: self.iso_id,
                lab_id: self.lab_id,
                disk_ids,
                state,
                state_reason: self.state_reason,
                needs_restart: self.needs_restart,
                created_at: rfc3339(self.created_at),
                updated_at: rfc3339(self.updated_at),
                node_id: self.node_id,
            },
        }
    }
}

/// Everything needed to insert a VM.
pub struct NewVmRow<'a> {
    pub uuid: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub owner_id: i64,
    pub cpus: u32,
    pub memory_mib: u32,
    pub boot_order: &'a str,
    pub disk_bus: &'a str,
    pub network: &'a str,
    pub outbound: bool,
    pub kernel: Option<&'a str>,
    pub iso_id: Option<i64>,
    pub bridge: Option<&'a str>,
    /// (protocol, host port, guest port)
    pub forwards: &'a [(String, u16, u16)],
    /// The node it lives on.
    pub node_id: i64,
}

#[derive(Debug, Clone, Default)]
pub struct VmFilter {
    pub owner_id: Option<i64>,
    pub search: Option<String>,
    pub limit: u32,
    pub offset: u64,
}

fn push_vm_filter<'a, DB>(qb: &mut QueryBuilder<'a, DB>, f: &VmFilter)
where
    DB: Dialect + sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE 1 = 1");
    if let Some(o) = f.owner_id {
        qb.push(" AND v.owner_id = ").push_bind(o);
    }
    if let Some(s) = &f.search {
        qb.push(format!(" AND v.name {} ", DB::ILIKE)).push_bind(super::db::like_pattern(s)).push(" ESCAPE '\\'");
    }
}

/// A forward from its row: (id, protocol, host port, guest port).
fn forward_view((id, protocol, h, g): (i64, String, i64, i64)) -> PortForwardView {
    PortForwardView { id, protocol, host_port: h as u16, guest_port: g as u16 }
}

impl Store {
    /// Inserts a VM and its forwards in one transaction.
    pub async fn insert_vm(&self, v: NewVmRow<'_>, now: i64) -> Result<i64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO vms (uuid, name, description, owner_id, cpus, memory_mib, boot_order, disk_bus, network, \
                 kernel, iso_id, bridge, created_at, updated_at, outbound, node_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            ))
            .bind(v.uuid)
            .bind(v.name)
            .bind(v.description)
            .bind(v.owner_id)
            .bind(v.cpus as i64)
            .bind(v.memory_mib as i64)
            .bind(v.boot_order)
            .bind(v.disk_bus)
            .bind(v.network)
            .bind(v.kernel)
            .bind(v.iso_id)
            .bind(v.bridge)
            .bind(now)
            .bind(now)
            .bind(v.outbound)
            .bind(v.node_id)
            .fetch_one(&mut *tx)
            .await?;
            for (protocol, host, guest) in v.forwards {
                sqlx::query(&DB::sql("INSERT INTO vm_port_forwards (vm_id, protocol, host_port, guest_port) VALUES (?, ?, ?, ?)"))
                    .bind(id)
                    .bind(protocol)
                    .bind(*host as i64)
                    .bind(*guest as i64)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn vm(&self, id: i64) -> Result<Option<VmRecord>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<VmRow> =
                sqlx::query_as(&DB::sql(&format!("{VM_SELECT} WHERE v.id = ?"))).bind(id).fetch_optional(p).await?;
            match row {
                None => Ok(None),
                Some(r) => {
                    let fw = self.port_forwards(r.id).await?;
                    let disks = self.vm_disk_ids(r.id).await?;
                    Ok(Some(r.into_record(fw, disks)))
                }
            }
        })
    }

    /// A page of VMs and the total, in one statement that answers one row:
    /// SQLite builds the page (with each VM's forwards and disks) as JSON.
    /// A row per VM would cost a hand-off between sqlx's SQLite thread and
    /// the runtime each, which made a page of 100 ten times slower.
    pub async fn list_vms(&self, f: &VmFilter) -> Result<(Vec<VmRecord>, u64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut qb = QueryBuilder::<DB>::new("SELECT (SELECT COUNT(*) FROM vms v");
            push_vm_filter(&mut qb, f);
            let (agg, object, array) = (DB::JSON_AGG, DB::JSON_OBJECT, DB::JSON_ARRAY);
            let (text_open, text_close) = DB::AS_TEXT;
            qb.push(format!(
                "), COALESCE({text_open}(SELECT {agg}({}) FROM (SELECT {object}(\
                 'id', v.id, 'uuid', v.uuid, 'name', v.name, 'description', v.description, 'owner_id', v.owner_id, \
                 'owner', u.username, 'cpus', v.cpus, 'memory_mib', v.memory_mib, 'boot_order', v.boot_order, \
                 'disk_bus', v.disk_bus, 'network', v.network, 'outbound', v.outbound, 'bridge', v.bridge, 'kernel', v.kernel, \
                 'state', v.state, 'state_reason', v.state_reason, 'needs_restart', v.needs_restart, 'iso_id', v.iso_id, \
                 'lab_id', v.lab_id, 'created_at', v.created_at, 'updated_at', v.updated_at, 'node_id', v.node_id, \
                 'forwards', {}, 'disks', {}) AS j \
                 FROM vms v JOIN users u ON u.id = v.owner_id",
                DB::json_nested("page.j"),
                DB::json_array_of(&format!(
                    "(SELECT {agg}({array}(p.id, p.protocol, p.host_port, p.guest_port)) FROM vm_port_forwards p WHERE p.vm_id = v.id)"
                )),
                DB::json_array_of(&format!("(SELECT {agg}({array}(d.updated_at, d.id)) FROM disks d WHERE d.vm_id = v.id)")),
            ));
            push_vm_filter(&mut qb, f);
            qb.push(" ORDER BY v.id LIMIT ").push_bind(f.limit as i64).push(" OFFSET ").push_bind(f.offset as i64);
            qb.push(format!(") page){text_close}, '[]')"));
            let (total, page): (i64, String) = qb.build_query_as().fetch_one(p).await?;
            let mut rows: Vec<VmRow> = serde_json::from_str(&page).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            rows.sort_unstable_by_key(|r| r.id);
            let out = rows
                .into_iter()
                .map(|mut r| {
                    r.forwards.sort_unstable_by_key(|f| f.0);
                    r.disks.sort_unstable();
                    let forwards = std::mem::take(&mut r.forwards).into_iter().map(forward_view).collect();
                    let disks = std::mem::take(&mut r.disks).into_iter().map(|(_, id)| id).collect();
                    r.into_record(forwards, disks)
                })
                .collect();
            Ok((out, total as u64))
        })
    }

    /// Gives a detached disk of `from` to `to`; false if it is not one.
    pub async fn set_disk_node(&self, disk_id: i64, from: i64, to: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("UPDATE disks SET node_id = ? WHERE id = ? AND node_id = ? AND vm_id IS NULL"))
                .bind(to)
                .bind(disk_id)
                .bind(from)
                .execute(p)
                .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Gives a stopped VM of `from` and its disks to `to`; false if the VM
    /// is no longer a stopped VM of `from`.
    pub async fn hand_over_vm(&self, vm_id: i64, from: i64, to: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut tx = p.begin().await?;
            let r = sqlx::query(&DB::sql(
                "UPDATE vms SET node_id = ? WHERE id = ? AND node_id = ? AND state IN ('stopped', 'crashed')",
            ))
            .bind(to)
            .bind(vm_id)
            .bind(from)
            .execute(&mut *tx)
            .await?;
            if r.rows_affected() != 1 {
                return Ok(false);
            }
            sqlx::query(&DB::sql("UPDATE disks SET node_id = ? WHERE vm_id = ?")).bind(to).bind(vm_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// VMs of `node_id` whose recorded state says a QEMU process should exist.
    pub async fn vms_not_stopped(&self, node_id: i64) -> Result<Vec<(i64, String, VmState)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(i64, String, String)> = sqlx::query_as(&DB::sql(
                "SELECT id, uuid, state FROM vms WHERE state IN ('starting', 'running', 'paused', 'stopping') AND node_id = ?",
            ))
            .bind(node_id)
            .fetch_all(p)
                    .await?;
            Ok(rows.into_iter().map(|(id, uuid, s)| (id, uuid, VmState::parse(&s).unwrap_or(VmState::Crashed))).collect())
        })
    }

    pub async fn set_vm_state(&self, id: i64, state: VmState, reason: Option<&str>) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = crate::time::now();
            let mut tx = p.begin().await?;
            // Usage: a run opens when the VM comes up and closes when its process is gone.
            match state {
                VmState::Running => {
                    sqlx::query(&DB::sql(
                        "INSERT INTO vm_activity (vm_id, kind, user_id, started_at) SELECT ?, 'run', owner_id, ? FROM vms                      WHERE id = ? AND NOT EXISTS (SELECT 1 FROM vm_activity WHERE vm_id = ? AND kind = 'run' AND ended_at IS NULL)",
                    ))
                    .bind(id)
                    .bind(t)
                    .bind(id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                VmState::Stopped | VmState::Crashed => {
                    sqlx::query(&DB::sql("UPDATE vm_activity SET ended_at = ? WHERE vm_id = ? AND kind = 'run' AND ended_at IS NULL"))
                        .bind(t)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                _ => {}
            }
            // Leaving a process state applies any stored config change.
            sqlx::query(&DB::sql(
                "UPDATE vms SET state = ?, state_reason = ?, \
                 needs_restart = CASE WHEN ? IN ('stopped', 'crashed') THEN FALSE ELSE needs_restart END, updated_at = ? \
                 WHERE id = ?",
            ))
            .bind(state.as_str())
            .bind(reason)
            .bind(state.as_str())
            .bind(t)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    pub async fn update_vm(
        &self,
        id: i64,
        name: Option<&str>,
        description: Option<&str>,
        cpus: Option<u32>,
        memory_mib: Option<u32>,
        boot_order: Option<&str>,
        outbound: Option<bool>,
        needs_restart: bool,
    ) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql(
                "UPDATE vms SET name = COALESCE(?, name), description = COALESCE(?, description), \
                 cpus = COALESCE(?, cpus), memory_mib = COALESCE(?, memory_mib), boot_order = COALESCE(?, boot_order), \
                 outbound = COALESCE(?, outbound), \
                 needs_restart = CASE WHEN ? THEN TRUE ELSE needs_restart END, updated_at = ? WHERE id = ?",
            ))
            .bind(name)
            .bind(description)
            .bind(cpus.map(|c| c as i64))
            .bind(memory_mib.map(|m| m as i64))
            .bind(boot_order)
            .bind(outbound)
            .bind(needs_restart)
            .bind(crate::time::now())
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
        })
    }

    pub async fn delete_vm(&self, id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM vms WHERE id = ?")).bind(id).execute(p).await?;
            Ok(r.rows_affected() == 1)
        })
    }

    pub async fn port_forwards(&self, vm_id: i64) -> Result<Vec<PortForwardView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(&DB::sql(
                "SELECT id, protocol, host_port, guest_port FROM vm_port_forwards WHERE vm_id = ? ORDER BY id",
            ))
            .bind(vm_id)
            .fetch_all(p)
            .await?;
            Ok(rows.into_iter().map(forward_view).collect())
        })
    }

    /// Host ports of a protocol already given to some VM.
    pub async fn used_host_ports(&self, protocol: &str) -> Result<Vec<u16>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<i64> = sqlx::query_scalar(&DB::sql("SELECT host_port FROM vm_port_forwards WHERE protocol = ?"))
                .bind(protocol)
                .fetch_all(p)
                .await?;
            Ok(rows.into_iter().map(|p| p as u16).collect())
        })
    }
}

impl Store {
    /// Ids of the disks attached to a VM, in attachment order.
    pub async fn vm_disk_ids(&self, vm_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT id FROM disks WHERE vm_id = ? ORDER BY updated_at, id"))
                .bind(vm_id)
                .fetch_all(p)
                .await
        })
    }

    pub async fn set_vm_iso(&self, vm_id: i64, iso_id: Option<i64>) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE vms SET iso_id = ?, updated_at = ? WHERE id = ?"))
                .bind(iso_id)
                .bind(crate::time::now())
                .bind(vm_id)
                .execute(p)
                .await
                .map(|_| ())
        })
    }
}

impl Store {
    pub async fn insert_port_forward(&self, vm_id: i64, protocol: &str, host: u16, guest: u16) -> Result<PortForwardView, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO vm_port_forwards (vm_id, protocol, host_port, guest_port) VALUES (?, ?, ?, ?) RETURNING id",
            ))
            .bind(vm_id)
            .bind(protocol)
            .bind(host as i64)
            .bind(guest as i64)
            .fetch_one(p)
            .await?;
            Ok(PortForwardView { id, protocol: protocol.into(), host_port: host, guest_port: guest })
        })
    }

    pub async fn delete_port_forward(&self, vm_id: i64, id: i64) -> Result<Option<PortForwardView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<(i64, String, i64, i64)> = sqlx::query_as(&DB::sql(
                "DELETE FROM vm_port_forwards WHERE vm_id = ? AND id = ? RETURNING id, protocol, host_port, guest_port",
            ))
            .bind(vm_id)
            .bind(id)
            .fetch_optional(p)
            .await?;
            Ok(row.map(|(id, protocol, h, g)| PortForwardView { id, protocol, host_port: h as u16, guest_port: g as u16 }))
        })
    }

    /// `bytes`: the space the snapshot holds (see migration 0011).
    pub async fn insert_snapshot(&self, vm_id: i64, name: &str, tag: &str, bytes: u64) -> Result<app::types::SnapshotView, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = crate::time::now();
            let id: i64 = sqlx::query_scalar(&DB::sql("INSERT INTO vm_snapshots (vm_id, name, tag, created_at, bytes) VALUES (?, ?, ?, ?, ?) RETURNING id"))
                .bind(vm_id)
                .bind(name)
                .bind(tag)
                .bind(t)
                .bind(bytes as i64)
                .fetch_one(p)
                .await?;
            Ok(app::types::SnapshotView { id, vm_id, name: name.into(), created_at: rfc3339(t) })
        })
    }

    /// (view, tag) of a VM's snapshots, oldest first.
    pub async fn snapshots(&self, vm_id: i64) -> Result<Vec<(app::types::SnapshotView, String)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(i64, String, String, i64)> =
                sqlx::query_as(&DB::sql("SELECT id, name, tag, created_at FROM vm_snapshots WHERE vm_id = ? ORDER BY id"))
                    .bind(vm_id)
                    .fetch_all(p)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|(id, name, tag, t)| (app::types::SnapshotView { id, vm_id, name, created_at: rfc3339(t) }, tag))
                .collect())
        })
    }

    pub async fn delete_snapshot(&self, id: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("DELETE FROM vm_snapshots WHERE id = ?")).bind(id).execute(p).await.map(|_| ())
        })
    }
}

impl Store {
    /// Forgets a VM's snapshots (their disk was replaced).
    pub async fn forget_snapshots(&self, vm_id: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("DELETE FROM vm_snapshots WHERE vm_id = ?")).bind(vm_id).execute(p).await.map(|_| ())
        })
    }

    /// The course of a lab VM.
    pub async fn vm_course(&self, vm_id: i64) -> Result<Option<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT l.course_id FROM vms v JOIN labs l ON l.id = v.lab_id WHERE v.id = ?"))
                .bind(vm_id)
                .fetch_optional(p)
                .await
        })
    }
}
