//! The merchant API described as OpenAPI 3.0, served at `/openapi.json`.

use serde_json::{Value, json};

fn payment_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "order_id", "state", "amount", "currency", "checkout_url"],
        "properties": {
            "id": { "type": "string", "example": "pay_3kTz9..." },
            "order_id": { "type": "string" },
            "state": { "type": "string", "enum": ["created", "identified", "code_sent", "succeeded", "declined", "failed", "expired", "cancelled"] },
            "method": { "type": "string", "enum": ["sms_code", "handset_confirm", "carrier", "voucher"], "description": "how it was or is being paid" },
            "amount": { "type": "string", "example": "128.00", "description": "decimal, in the currency's minor-unit precision" },
            "currency": { "type": "string", "example": "CNY", "description": "ISO 4217" },
            "description": { "type": "string" },
            "return_url": { "type": "string", "nullable": true },
            "reason": { "type": "string", "nullable": true, "description": "why a payment was declined or failed" },
            "bank_reference": { "type": "string", "nullable": true },
            "checkout_url": { "type": "string", "description": "send the shopper here" },
            "created_at": { "type": "integer", "description": "Unix ms" },
            "updated_at": { "type": "integer" },
            "expires_at": { "type": "integer" }
        }
    })
}

pub fn document() -> Value {
    let error = json!({ "type": "object", "properties": {
        "error": { "type": "string" }, "code": { "type": "string" } } });
    let payment_ref = json!({ "$ref": "#/components/schemas/Payment" });
    let resp = |desc: &str, schema: Value| json!({ "description": desc, "content": { "application/json": { "schema": schema } } });
    let err = |desc: &str| resp(desc, json!({ "$ref": "#/components/schemas/Error" }));
    let id_param =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } });
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Switchboard gateway merchant API",
            "version": "1",
            "description": "Payments confirmed by an authorization code sent by SMS. Authenticate with the client certificate issued by `gateway merchants add` (mutual TLS). Final states are also pushed to your webhook, signed with `Switchboard-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of \"t.body\">`."
        },
        "paths": {
            "/v1/payments": {
                "post": {
                    "summary": "Create a payment",
                    "parameters": [{ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 255 },
                                     "description": "the same key with the same body returns the first payment (200); with another body: 409" }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "required": ["order_id", "amount", "currency"],
                        "properties": {
                            "order_id": { "type": "string", "maxLength": 64 },
                            "amount": { "type": "string", "example": "128.00" },
                            "currency": { "type": "string", "example": "CNY" },
                            "description": { "type": "string", "maxLength": 255 },
                            "return_url": { "type": "string", "format": "uri" },
                            "customer_hint": { "type": "string", "description": "the identity the shopper used at the shop; fills the checkout page's identity field" } } } } } },
                    "responses": { "201": resp("created", payment_ref.clone()), "200": resp("replayed (Idempotency-Key)", payment_ref.clone()),
                                   "400": err("invalid request"), "403": err("unknown or revoked certificate"), "409": err("Idempotency-Key reused"),
                                   "413": err("body over the limit (2 MiB)"), "415": err("not application/json"), "422": err("a field of the wrong type") }
                },
                "get": {
                    "summary": "List your payments, newest first",
                    "parameters": [
                        { "name": "state", "in": "query", "schema": { "type": "string" } },
                        { "name": "order_id", "in": "query", "schema": { "type": "string" } },
                        { "name": "limit", "in": "query", "schema": { "type": "integer", "maximum": 500 } },
                        { "name": "offset", "in": "query", "schema": { "type": "integer" } }],
                    "responses": { "200": resp("payments", json!({ "type": "object", "properties": { "payments": { "type": "array", "items": payment_ref.clone() } } })) }
                }
            },
            "/v1/payments/{id}": { "get": { "summary": "A payment with its timeline", "description": "Every event with its time and name. Details are given only for events about the payment (created, amount_changed, cancelled, expired, code_expired, receipt, bank_*, carrier_*, voucher_refunded); details about the shopper (who signed in, why a sign-in failed, the phone a code went to) are the operator's and stay in the admin API.", "parameters": [id_param.clone()],
                "responses": { "200": resp("the payment", payment_ref.clone()), "404": err("not yours or unknown") } } },
            "/v1/payments/{id}/cancel": { "post": { "summary": "Cancel a payment that is not final", "parameters": [id_param.clone()],
                "responses": { "200": resp("cancelled", payment_ref), "409": err("already final") } } },
            "/v1/payments/{id}/refund": { "post": { "summary": "Refund a payment charged to a phone bill (all that is left without an amount)",
                "parameters": [id_param],
                "requestBody": { "required": false, "content": { "application/json": { "schema": {
                    "type": "object", "properties": { "amount": { "type": "string", "example": "5.00" } } } } } },
                "responses": { "200": resp("the charge after the refund", json!({ "type": "object", "properties": {
                        "payment_id": { "type": "string" }, "carrier": { "type": "string" }, "charge_id": { "type": "string" },
                        "charge_state": { "type": "string" }, "amount": { "type": "string" }, "refunded": { "type": "string" },
                        "currency": { "type": "string" } } })),
                    "409": err("not a succeeded carrier payment, or more than is left"), "422": err("bad amount"),
                    "503": err("the operator could not be reached") } } }
        },
        "components": { "schemas": { "Payment": payment_schema(), "Error": error } }
    });
    super::terminal_api::openapi_paths(&mut doc);
    doc
}
