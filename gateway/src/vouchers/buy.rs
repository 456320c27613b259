//! Buying a voucher: the customer signs in (online identity and password,
//! with the customers' lockout), picks a linked account and an amount
//! within `[vouchers]` limits in a currency that has a float account. The
//! gateway draws the number and both passwords, writes the voucher as
//! `pending` with the bank transfer's key, asks the bank to move the money
//! into the float account, and activates the voucher only on approval.
//! The SMS carries number, password and amount; the backup password is
//! returned to the caller once (shown on the page, in the JSON answer).

use zeroize::Zeroizing;

use super::{VoucherError, VoucherNumber, VoucherPassword, VoucherService, texts};
use crate::bank::{BankError, BankOutcome, Transfer};
use crate::customers::BackupCode;
use crate::domain::{Currency, CustomerId, Money, OnlineIdentity, Password, PaymentId};
use crate::store::{NewVoucher, StoreError, TerminalKind, Voucher};

/// What the buyer typed.
#[derive(Clone)]
pub struct BuyRequest {
    pub identity: String,
    pub password: Zeroizing<String>,
    /// One of the customer's linked accounts; empty: the first.
    pub account: Option<String>,
    /// Decimal in `currency` ("20.00").
    pub amount: String,
    /// ISO code; empty: the one currency with a float account.
    pub currency: Option<String>,
}

/// A voucher just bought.
pub struct Bought {
    pub voucher: Voucher,
    /// Shown once; only its hash is kept.
    pub backup_password: BackupCode,
    /// Whether an SMSC took the voucher SMS.
    pub sms_sent: bool,
}

impl VoucherService {
    /// A customer buys a voucher (see the module text).
    pub async fn buy(&self, req: BuyRequest) -> Result<Bought, VoucherError> {
        let customers = self.payments().customers();
        let (Ok(identity), Ok(password)) = (
            OnlineIdentity::parse(&req.identity),
            Password::new(req.password.to_string()),
        ) else {
            return Err(VoucherError::SignInFailed);
        };
        let customer = customers
            .login(&identity, &password, self.now())
            .await
            .map_err(|e| match e {
                crate::customers::LoginError::Internal(d) => VoucherError::Internal(d),
                _ => VoucherError::SignInFailed,
            })?;
        self.issue(customer.id, req.account, &req.amount, req.currency)
            .await
    }

    /// Issues a voucher for `customer` from one of their linked accounts
    /// (the purchase after sign-in, and the admin API's issue).
    pub async fn issue(
        &self,
        customer: CustomerId,
        account: Option<String>,
        amount: &str,
        currency: Option<String>,
    ) -> Result<Bought, VoucherError> {
        let config = self.config();
        let currency = match currency.filter(|c| !c.trim().is_empty()) {
            Some(c) => Currency::parse(&c).map_err(|e| VoucherError::Invalid(e.to_string()))?,
            None => match config.float_accounts.keys().next() {
                Some(only) if config.float_accounts.len() == 1 => {
                    Currency::parse(only).map_err(|e| VoucherError::Internal(e.to_string()))?
                }
                _ => return Err(VoucherError::Invalid("name the currency".into())),
            },
        };
        let float = config
            .float_account(currency)
            .ok_or_else(|| VoucherError::Invalid(format!("vouchers are not sold in {currency}")))?;
        let amount = Money::parse_decimal(amount.trim(), currency)
            .map_err(|e| VoucherError::Invalid(e.to_string()))?;
        let (min, max) = config.limits(currency);
        if amount.minor < min.minor || amount.minor > max.minor {
            return Err(VoucherError::Invalid(format!(
                "a voucher is {min} to {max}"
            )));
        }
        let store = self.store();
        let accounts = store.customer_accounts(customer).await?;
        let source = match account.filter(|a| !a.trim().is_empty()) {
            Some(a) if accounts.iter().any(|x| *x == a.trim()) => a.trim().to_owned(),
            Some(_) => return Err(VoucherError::Invalid("not one of your accounts".into())),
            None => accounts
                .first()
                .cloned()
                .ok_or_else(|| VoucherError::Invalid("no linked account".into()))?,
        };
        let terminals = store.terminals(customer).await?;
        let msisdn = terminals
            .iter()
            .find(|t| t.kind == TerminalKind::Phone)
            .or(terminals.first())
            .map(|t| t.msisdn.clone());
        let password = VoucherPassword::generate();
        let backup = BackupCode::generate();
        let hasher = self.hasher();
        let password_hash = hasher.hash(password.secret()).await?;
        let backup_hash = hasher
            .hash(zeroize::Zeroizing::new(backup.expose().to_owned()))
            .await?;
        let key = PaymentId::generate();
        let number = self
            .insert_with_fresh_number(NewVoucher {
                number: String::new(),
                customer_id: customer,
                source_account: source.clone(),
                float_account: float.to_owned(),
                amount,
                password_hash,
                backup_hash,
                msisdn: msisdn.clone(),
                purchase_key: key.clone(),
            })
            .await?;
        let transfer = Transfer {
            payment_id: key,
            from_account: source,
            to_account: float.to_owned(),
            amount,
        };
        let now = self.now();
        let reference = match self.inner.bank.transfer(transfer).await {
            Ok(BankOutcome::Approved { reference }) => reference,
            Ok(BankOutcome::Declined { reason }) => {
                store.refuse_voucher(&number, reason.as_str(), now).await?;
                return Err(VoucherError::BankDeclined(reason.as_str().into()));
            }
            Err(BankError::Unavailable) => {
                store
                    .refuse_voucher(&number, "bank_unavailable", now)
                    .await?;
                return Err(VoucherError::BankUnavailable);
            }
            // Undecided: the voucher stays pending under its key.
            Err(e) => return Err(VoucherError::Internal(e.to_string())),
        };
        let voucher = store.activate_voucher(&number, &reference, now).await?;
        tracing::info!(voucher = %number, customer = %customer, amount = %amount, "voucher bought");
        let text = texts::bought(&number, password.expose(), &amount);
        let sms_sent = self.notify(msisdn.as_deref(), &text, &number).await;
        Ok(Bought {
            voucher,
            backup_password: backup,
            sms_sent,
        })
    }

    /// Writes the voucher under a fresh random number, drawing again on
    /// the rare collision.
    async fn insert_with_fresh_number(&self, mut v: NewVoucher) -> Result<String, VoucherError> {
        for _ in 0..8 {
            v.number = VoucherNumber::generate().to_string();
            match self.store().insert_voucher(v.clone(), self.now()).await {
                Ok(()) => return Ok(v.number),
                Err(StoreError::Duplicate(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(VoucherError::Internal("no free voucher number".into()))
    }
}
