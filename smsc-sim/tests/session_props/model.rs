//! What the SMPP session must answer: the steps a client may take, and a
//! model of the connection (closed, open, bound as what) that says, for
//! each step in each state, the response SMPP 3.4 requires (§2.2–2.3 bind
//! states, §4 operations, §5.1.3 statuses) and whether the link then ends.

use wire::smpp::rusmpp::{CommandId, CommandStatus};

/// The accounts of the test server: system_id, password, the bind types
/// it allows (transmitter, receiver, transceiver).
pub const ACCOUNTS: [(&str, &str, [bool; 3]); 3] = [
    ("gateway", "gw-pw", [true, true, true]),
    ("rxonly", "rx-pw", [false, true, false]),
    ("txonly", "tx-pw", [true, false, false]),
];

/// The extra configuration that adds `txonly` to the shared test config.
pub const EXTRA_CONFIG: &str = r#"
[[accounts]]
system_id = "txonly"
password = "tx-pw"
bind_types = ["transmitter"]
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Transmitter,
    Receiver,
    Transceiver,
}

impl Kind {
    pub fn index(self) -> usize {
        self as usize
    }

    fn can_submit(self) -> bool {
        self != Kind::Receiver
    }

    pub fn request(self) -> CommandId {
        match self {
            Kind::Transmitter => CommandId::BindTransmitter,
            Kind::Receiver => CommandId::BindReceiver,
            Kind::Transceiver => CommandId::BindTransceiver,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Credentials {
    Right(usize),
    WrongPassword(usize),
    UnknownSystemId,
}

/// Which message a query_sm names.
#[derive(Debug, Clone, Copy)]
pub enum QueryTarget {
    /// The n-th message submitted in this sequence (any account).
    Submitted(usize),
    Unknown,
}

#[derive(Debug, Clone)]
pub enum Op {
    Bind {
        kind: Kind,
        credentials: Credentials,
        version: u8,
    },
    Submit {
        receipt: bool,
    },
    Query(QueryTarget),
    EnquireLink,
    Unbind,
    /// A generic_nack for nothing the server sent.
    GenericNack,
    /// A deliver_sm_resp for nothing the server sent.
    DeliverSmResp,
    /// An unbind_resp while the server is not unbinding.
    UnbindResp,
    /// A header-only request with a command_id SMPP does not define.
    UnknownCommand(u32),
    /// Drop the connection without unbinding (only while not bound, so no
    /// bind slot is held when the next client binds).
    Hangup,
}

/// What the server must send back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Response(CommandId, CommandStatus),
    /// No response at all; the link stays up.
    Nothing,
    /// This response, then the server closes the link.
    ResponseThenClose(CommandId, CommandStatus),
    /// The client closes the link.
    Hangup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conn {
    Closed,
    Open,
    Bound { account: usize, kind: Kind },
}

pub struct Model {
    pub conn: Conn,
    /// (message id, account) of every accepted submit_sm.
    pub submitted: Vec<(String, usize)>,
}

impl Model {
    pub fn new() -> Model {
        Model {
            conn: Conn::Open,
            submitted: Vec::new(),
        }
    }

    /// The submitted message a query names, if any, with its account.
    pub fn query_target(&self, t: QueryTarget) -> Option<(String, usize)> {
        match t {
            QueryTarget::Submitted(n) if !self.submitted.is_empty() => {
                Some(self.submitted[n % self.submitted.len()].clone())
            }
            _ => None,
        }
    }

    /// The required answer to `op` in the current state, and the new state.
    pub fn step(&mut self, op: &Op) -> Expect {
        use CommandStatus as S;
        let bound = match self.conn {
            Conn::Bound { account, kind } => Some((account, kind)),
            _ => None,
        };
        let may_submit = bound.is_some_and(|(_, k)| k.can_submit());
        match op {
            Op::Bind {
                kind,
                credentials,
                version,
            } => {
                let resp = kind.request().matching_response();
                let status = if bound.is_some() {
                    S::EsmeRalybnd
                } else if *kind == Kind::Transceiver && *version < 0x34 {
                    // SMPP 3.3 has no transceiver bind.
                    S::EsmeRbindfail
                } else {
                    match *credentials {
                        Credentials::UnknownSystemId => S::EsmeRinvsysid,
                        Credentials::WrongPassword(_) => S::EsmeRinvpaswd,
                        Credentials::Right(a) if !ACCOUNTS[a].2[kind.index()] => S::EsmeRbindfail,
                        Credentials::Right(account) => {
                            self.conn = Conn::Bound {
                                account,
                                kind: *kind,
                            };
                            S::EsmeRok
                        }
                    }
                };
                Expect::Response(resp, status)
            }
            Op::Submit { .. } if may_submit => {
                Expect::Response(CommandId::SubmitSmResp, S::EsmeRok)
            }
            Op::Submit { .. } => Expect::Response(CommandId::SubmitSmResp, S::EsmeRinvbndsts),
            Op::Query(t) if may_submit => {
                let mine = self
                    .query_target(*t)
                    .is_some_and(|(_, a)| Some(a) == bound.map(|b| b.0));
                let status = if mine { S::EsmeRok } else { S::EsmeRqueryfail };
                Expect::Response(CommandId::QuerySmResp, status)
            }
            Op::Query(_) => Expect::Response(CommandId::QuerySmResp, S::EsmeRinvbndsts),
            Op::EnquireLink => Expect::Response(CommandId::EnquireLinkResp, S::EsmeRok),
            // Only a bound session may unbind (3.4 table 2-1).
            Op::Unbind if bound.is_none() => {
                Expect::Response(CommandId::UnbindResp, S::EsmeRinvbndsts)
            }
            Op::Unbind => {
                self.conn = Conn::Closed;
                Expect::ResponseThenClose(CommandId::UnbindResp, S::EsmeRok)
            }
            Op::GenericNack | Op::DeliverSmResp | Op::UnbindResp => Expect::Nothing,
            Op::UnknownCommand(_) => Expect::Response(CommandId::GenericNack, S::EsmeRinvcmdid),
            Op::Hangup if bound.is_some() => Expect::Nothing,
            Op::Hangup => {
                self.conn = Conn::Closed;
                Expect::Hangup
            }
        }
    }

    /// The account a successful submit was made on.
    pub fn submitter(&self) -> Option<usize> {
        match self.conn {
            Conn::Bound { account, .. } => Some(account),
            _ => None,
        }
    }
}
