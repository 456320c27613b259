#!/usr/bin/env node
// An SMSC we did not write: the server side of npm's `smpp` package (pinned
// in package.json / package-lock.json), for the gateway's interoperability
// test (gateway/tests/sms_npm_smsc.rs).
//
// It listens on 127.0.0.1:PORT and prints one ready line,
// {"smpp":"127.0.0.1:PORT"}, then one JSON line per event ("bind", "submit",
// "reject", "receipt", "enquire_link", "unbind", ...) so a test can check what
// the SMSC saw. It accepts bind_transceiver / bind_transmitter /
// bind_receiver with the given system_id and password, answers submit_sm
// with a message id in the chosen form, and shortly after each submit that
// asks for a receipt sends a delivery receipt deliver_sm (esm_class 0x04,
// SMPP 3.4 Appendix B text, receipted_message_id and message_state TLVs) on
// a session of the same system_id that may receive (held until one binds).
// It exits on SIGTERM, SIGINT, or when its stdin closes, so it never
// outlives the process that started it.
//
// Usage: node smsc.js --system-id ID --password PW [--port 0]
//   [--id-form decimal|hex|uuid] [--reject-dest MSISDN ...]
//   [--receipt-delay-ms 50] [--receipt-tlvs on|off] [--text-id resp|decimal]
'use strict';

const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const smpp = require('smpp');

const USAGE =
    'usage: node smsc.js --system-id ID --password PW [--port 0] ' +
    '[--id-form decimal|hex|uuid] [--reject-dest MSISDN ...] ' +
    '[--receipt-delay-ms MS] [--receipt-tlvs on|off] [--text-id resp|decimal]';

function fail(message) {
    process.stderr.write(`smsc.js: ${message}\n${USAGE}\n`);
    process.exit(2);
}

function options() {
    let values;
    try {
        ({ values } = parseArgs({
            options: {
                port: { type: 'string', default: '0' },
                'system-id': { type: 'string' },
                password: { type: 'string' },
                'id-form': { type: 'string', default: 'decimal' },
                'reject-dest': { type: 'string', multiple: true, default: [] },
                'receipt-delay-ms': { type: 'string', default: '50' },
                'receipt-tlvs': { type: 'string', default: 'on' },
                'text-id': { type: 'string', default: 'resp' },
            },
        }));
    } catch (e) {
        fail(e.message);
    }
    const port = Number(values.port);
    const delay = Number(values['receipt-delay-ms']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0..65535');
    if (!Number.isInteger(delay) || delay < 0) fail('--receipt-delay-ms must be a whole number');
    if (values['system-id'] === undefined || values.password === undefined) {
        fail('--system-id and --password are required');
    }
    if (!['decimal', 'hex', 'uuid'].includes(values['id-form'])) fail('bad --id-form');
    if (!['on', 'off'].includes(values['receipt-tlvs'])) fail('bad --receipt-tlvs');
    if (!['resp', 'decimal'].includes(values['text-id'])) fail('bad --text-id');
    return {
        port,
        systemId: values['system-id'],
        password: values.password,
        idForm: values['id-form'],
        rejectDest: new Set(values['reject-dest']),
        receiptDelayMs: delay,
        receiptTlvs: values['receipt-tlvs'] === 'on',
        textId: values['text-id'],
    };
}

const opts = options();

function emit(event) {
    process.stdout.write(JSON.stringify(event) + '\n');
}

// Ids count up from a base with hex letters in it, so that the hex form
// always shows letters; both numeric forms are zero-padded and the hex and
// UUID forms upper case, as some SMSCs write them, so a client has to
// normalise them to match receipts.
let nextNumber = 0xabc000;

function newMessageId() {
    switch (opts.idForm) {
        case 'hex':
            return (nextNumber++).toString(16).toUpperCase().padStart(8, '0');
        case 'uuid':
            return crypto.randomUUID().toUpperCase();
        default:
            return String(nextNumber++).padStart(10, '0');
    }
}

// The id as the receipt text writes it: as in submit_sm_resp, or (SMPP 3.4
// Appendix B allows it) the same number in decimal.
function textId(id) {
    if (opts.textId === 'resp') return id;
    const hex = opts.idForm === 'decimal' ? null : id.replace(/-/g, '');
    return hex === null ? id : BigInt('0x' + hex).toString(10);
}

// YYMMDDhhmm in UTC, the receipt text's date form.
function receiptDate(d) {
    const two = (n) => String(n).padStart(2, '0');
    return (
        two(d.getUTCFullYear() % 100) +
        two(d.getUTCMonth() + 1) +
        two(d.getUTCDate()) +
        two(d.getUTCHours()) +
        two(d.getUTCMinutes())
    );
}

// The receipt's `text:` field: the message start, kept to characters that
// are the same in ASCII and the GSM default alphabet, so the receipt stays
// plain ASCII whatever the message's coding.
function receiptText(message) {
    return Array.from(message)
        .slice(0, 20)
        .map((c) => (/^[A-Za-z0-9 .,:;!?'()*+\/=<>%&#"-]$/.test(c) ? c : '?'))
        .join('');
}

// The decoded short_message: the library gives {udh: [IE buffers], message}.
function describe(shortMessage) {
    if (shortMessage === undefined || shortMessage === null) return { text: '', udh: [] };
    if (Buffer.isBuffer(shortMessage)) return { text: shortMessage.toString('latin1'), udh: [] };
    const message = Buffer.isBuffer(shortMessage.message)
        ? shortMessage.message.toString('hex')
        : String(shortMessage.message);
    return { text: message, udh: (shortMessage.udh || []).map((ie) => ie.toString('hex')) };
}

// Bound sessions: session -> { mode, systemId }.
const bound = new Map();
// Receipts waiting for a session that may receive them.
const pending = [];

function canReceive(mode) {
    return mode === 'bind_transceiver' || mode === 'bind_receiver';
}

function receiverFor(systemId, preferred) {
    const own = bound.get(preferred);
    if (own && canReceive(own.mode)) return preferred;
    for (const [session, info] of bound) {
        if (info.systemId === systemId && canReceive(info.mode)) return session;
    }
    return null;
}

function sendReceipt(receipt) {
    const session = receiverFor(receipt.systemId, receipt.origin);
    if (!session) {
        pending.push(receipt);
        return;
    }
    const pdu = new smpp.PDU('deliver_sm', receipt.fields);
    session.send(pdu, (resp) => {
        emit({ event: 'receipt_resp', message_id: receipt.messageId, status: resp.command_status });
    });
    emit({ event: 'receipt', message_id: receipt.messageId, text: receipt.fields.short_message.toString('latin1') });
}

function flushPending() {
    for (const receipt of pending.splice(0)) sendReceipt(receipt);
}

function scheduleReceipt(session, submit, messageId, text) {
    const submitted = new Date();
    setTimeout(() => {
        const body =
            `id:${textId(messageId)} sub:001 dlvrd:001 submit date:${receiptDate(submitted)} ` +
            `done date:${receiptDate(new Date())} stat:DELIVRD err:000 text:${receiptText(text)}`;
        const fields = {
            source_addr_ton: submit.dest_addr_ton,
            source_addr_npi: submit.dest_addr_npi,
            source_addr: submit.destination_addr,
            dest_addr_ton: submit.source_addr_ton,
            dest_addr_npi: submit.source_addr_npi,
            destination_addr: submit.source_addr,
            esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
            // A Buffer with an explicit coding: given a string, the library
            // picks the coding itself (GSM bytes labelled 0x01, or UCS-2).
            data_coding: smpp.ENCODING.SMSC_DEFAULT,
            short_message: Buffer.from(body, 'ascii'),
        };
        if (opts.receiptTlvs) {
            fields.receipted_message_id = messageId;
            fields.message_state = smpp.MESSAGE_STATE.DELIVERED;
        }
        sendReceipt({ systemId: bound.get(session)?.systemId ?? opts.systemId, origin: session, messageId, fields });
    }, opts.receiptDelayMs);
}

function onBind(session, pdu) {
    if (bound.has(session)) {
        session.send(pdu.response({ command_status: smpp.ESME_RALYBND }));
        return;
    }
    let status = smpp.ESME_ROK;
    if (pdu.system_id !== opts.systemId) status = smpp.ESME_RINVSYSID;
    else if (pdu.password !== opts.password) status = smpp.ESME_RINVPASWD;
    emit({ event: 'bind', mode: pdu.command, system_id: pdu.system_id, status });
    if (status !== smpp.ESME_ROK) {
        session.send(pdu.response({ command_status: status }), () => session.close());
        return;
    }
    bound.set(session, { mode: pdu.command, systemId: pdu.system_id });
    session.send(pdu.response({ system_id: 'npm-smpp' }));
    if (canReceive(pdu.command)) flushPending();
}

function onSubmit(session, pdu) {
    const info = bound.get(session);
    if (!info || info.mode === 'bind_receiver') {
        session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
        return;
    }
    const { text, udh } = describe(pdu.short_message);
    if (opts.rejectDest.has(pdu.destination_addr)) {
        emit({ event: 'reject', destination_addr: pdu.destination_addr });
        session.send(pdu.response({ command_status: smpp.ESME_RSUBMITFAIL }));
        return;
    }
    const messageId = newMessageId();
    emit({
        event: 'submit',
        message_id: messageId,
        source_addr: pdu.source_addr,
        destination_addr: pdu.destination_addr,
        esm_class: pdu.esm_class,
        data_coding: pdu.data_coding,
        registered_delivery: pdu.registered_delivery,
        udh,
        text,
    });
    session.send(pdu.response({ message_id: messageId }));
    if (pdu.registered_delivery & 0x03) scheduleReceipt(session, pdu, messageId, text);
}

const server = smpp.createServer((session) => {
    session.on('error', (e) => emit({ event: 'session_error', error: e.message }));
    session.on('close', () => bound.delete(session));
    session.on('pdu', (pdu) => {
        if (pdu.isResponse()) return;
        switch (pdu.command) {
            case 'bind_transceiver':
            case 'bind_transmitter':
            case 'bind_receiver':
                onBind(session, pdu);
                break;
            case 'submit_sm':
                onSubmit(session, pdu);
                break;
            case 'enquire_link':
                emit({ event: 'enquire_link' });
                session.send(pdu.response());
                break;
            case 'unbind':
                emit({ event: 'unbind' });
                bound.delete(session);
                session.send(pdu.response(), () => session.close());
                break;
            default:
                // Unknown command ids become 'unknown', whose response() is generic_nack.
                emit({ event: 'unsupported', command: pdu.command });
                session.send(
                    pdu.command === 'unknown'
                        ? pdu.response()
                        : new smpp.PDU('generic_nack', {
                              sequence_number: pdu.sequence_number,
                              command_status: smpp.ESME_RINVCMDID,
                          }),
                );
        }
    });
});

function shutdown() {
    for (const session of server.sessions.slice()) session.destroy();
    server.close();
    process.exit(0);
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();

server.on('error', (e) => {
    process.stderr.write(`smsc.js: ${e.message}\n`);
    process.exit(1);
});
server.listen(opts.port, '127.0.0.1', () => {
    const { address, port } = server.address();
    emit({ smpp: `${address}:${port}` });
});
