//! bind_transmitter / bind_receiver / bind_transceiver handling.

use wire::smpp::rusmpp::pdus::{
    BindReceiver, BindReceiverResp, BindTransceiver, BindTransceiverResp, BindTransmitter,
    BindTransmitterResp,
};
use wire::smpp::rusmpp::types::COctetString;
use wire::smpp::rusmpp::values::InterfaceVersion;
use wire::smpp::rusmpp::{Command, CommandId, CommandStatus, Pdu};

use super::dispatch::error_resp;
use super::{Bound, Session};
use crate::accounts::BindType;
use crate::core::Stats;

/// The fields the three bind PDUs share.
pub(crate) struct BindRequest {
    system_id: String,
    password: String,
    interface_version: u8,
}

macro_rules! bind_request_from {
    ($($t:ty),*) => {$(
        impl From<$t> for BindRequest {
            fn from(b: $t) -> Self {
                Self {
                    system_id: b.system_id.as_str().to_owned(),
                    password: b.password.as_str().to_owned(),
                    interface_version: b.interface_version.into(),
                }
            }
        }
    )*};
}
bind_request_from!(BindTransmitter, BindReceiver, BindTransceiver);

fn command_id(kind: BindType) -> CommandId {
    match kind {
        BindType::Transmitter => CommandId::BindTransmitter,
        BindType::Receiver => CommandId::BindReceiver,
        BindType::Transceiver => CommandId::BindTransceiver,
    }
}

impl Session {
    pub(super) async fn on_bind(
        &mut self,
        kind: BindType,
        req: BindRequest,
        seq: u32,
    ) -> Result<(), ()> {
        let id = command_id(kind);
        if self.bound.is_some() {
            return self
                .send(error_resp(id, CommandStatus::EsmeRalybnd, seq))
                .await;
        }
        // SMPP 3.3 had no transceiver bind.
        if kind == BindType::Transceiver && req.interface_version < 0x34 {
            Stats::inc(&self.core.stats.bind_failures);
            return self
                .send(error_resp(id, CommandStatus::EsmeRbindfail, seq))
                .await;
        }
        let (ip, now) = (self.peer.ip(), tokio::time::Instant::now());
        if self.core.bind_guard.is_blocked(ip, &req.system_id, now) {
            // Refused unchecked: the password is not even compared.
            Stats::inc(&self.core.stats.bind_failures);
            return self
                .send(error_resp(id, CommandStatus::EsmeRbindfail, seq))
                .await;
        }
        match self.core.accounts.bind(&req.system_id, &req.password, kind) {
            Ok(guard) => {
                self.core.bind_guard.succeeded(ip, &req.system_id);
                Stats::inc(&self.core.stats.binds_total);
                tracing::info!(peer = %self.peer, system_id = %req.system_id, ?kind, version = req.interface_version, "bound");
                self.bound = Some(Bound {
                    guard,
                    interface_version: req.interface_version,
                });
                self.send(bind_resp(
                    kind,
                    &self.core.settings.system_id,
                    req.interface_version,
                    seq,
                ))
                .await
            }
            Err(status) => {
                Stats::inc(&self.core.stats.bind_failures);
                tracing::info!(peer = %self.peer, system_id = %req.system_id, ?status, "bind refused");
                if self.core.bind_guard.failed(ip, &req.system_id, now) {
                    tracing::warn!(peer = %self.peer, system_id = %req.system_id,
                        "too many refused binds: this address's binds of this system_id are refused unchecked for a minute");
                }
                self.send(error_resp(id, status, seq)).await
            }
        }
    }
}

fn bind_resp(kind: BindType, system_id: &str, peer_version: u8, seq: u32) -> Command {
    let sid = COctetString::<1, 16>::from_string(system_id.to_owned())
        .unwrap_or_else(|_| COctetString::empty());
    // sc_interface_version is a TLV, so only peers of 3.4 and later get it.
    let version = (peer_version >= 0x34).then_some(InterfaceVersion::Smpp5_0);
    let pdu: Pdu = match kind {
        BindType::Transmitter => {
            let mut r = BindTransmitterResp::builder().system_id(sid).build();
            r.set_sc_interface_version(version);
            r.into()
        }
        BindType::Receiver => {
            let mut r = BindReceiverResp::builder().system_id(sid).build();
            r.set_sc_interface_version(version);
            r.into()
        }
        BindType::Transceiver => {
            let mut r = BindTransceiverResp::builder().system_id(sid).build();
            r.set_sc_interface_version(version);
            r.into()
        }
    };
    Command::new(CommandStatus::EsmeRok, seq, pdu)
}
