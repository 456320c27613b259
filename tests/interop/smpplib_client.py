#!/usr/bin/env python3
"""Interop check: a third-party SMPP client (python smpplib) against an SMSC.

Binds as transceiver, submits COUNT GSM-text messages with
registered_delivery=1 through a window of outstanding submit_sm, collects
the submit_sm_resp message_ids, then keeps reading until COUNT delivery
receipts (deliver_sm, esm_class 0x04) have arrived, each answered with
deliver_sm_resp by smpplib's read loop. Receipt ids (receipted_message_id
TLV, else the "id:" field of the receipt text) are matched against the
submitted ids. Unbinds and prints one JSON line on stdout:

    {"submitted": N, "receipts": N, "matched": N, "seconds": S}

Exits 1, with the reason on stderr (and the JSON line for what was seen),
on any error status, timeout, unmatched or duplicate id.

Usage: smpplib_client.py HOST:PORT SYSTEM_ID PASSWORD [--count N]
       [--window W] [--timeout SECONDS]
"""

import argparse
import json
import logging
import re
import select
import signal
import sys
import time

try:
    import smpplib.client
    import smpplib.consts
    import smpplib.exceptions
    import smpplib.gsm
    import smpplib.smpp
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"smpplib is not installed ({e}); run scripts/test.sh", file=sys.stderr)
    sys.exit(2)

RECEIPT_TYPE_MASK = 0x3C  # esm_class bits 2-5: message type
RECEIPT_TYPE = 0x04  # SMSC delivery receipt
TEXT_ID = re.compile(rb"\bid:(\S+)")


class Failure(Exception):
    """A reason to stop with exit status 1."""


def as_text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.rstrip("\x00")


def status_name(status):
    return smpplib.consts.DESCRIPTIONS.get(status, "unknown status")


class Run:
    """State of one interop run, fed by smpplib's handlers."""

    def __init__(self, count):
        self.count = count
        self.pending = set()  # sequence numbers of unanswered submit_sm
        self.submitted_ids = set()
        self.responses = 0
        self.receipts = 0
        self.receipt_ids = []
        self.other_deliveries = 0
        self.text_tlv_disagreements = 0

    def on_submit_resp(self, pdu):
        if pdu.sequence not in self.pending:
            raise Failure(f"submit_sm_resp for unknown sequence_number {pdu.sequence}")
        self.pending.discard(pdu.sequence)
        if pdu.status != smpplib.consts.SMPP_ESME_ROK:
            raise Failure(
                f"submit_sm seq {pdu.sequence} rejected: status 0x{int(pdu.status):08X} "
                f"({status_name(pdu.status)})"
            )
        message_id = as_text(getattr(pdu, "message_id", None))
        if not message_id:
            raise Failure(f"submit_sm_resp seq {pdu.sequence} has no message_id")
        if message_id in self.submitted_ids:
            raise Failure(f"message_id {message_id!r} given twice")
        self.submitted_ids.add(message_id)
        self.responses += 1

    def on_deliver(self, pdu):
        esm_class = int(pdu.esm_class or 0)
        if esm_class & RECEIPT_TYPE_MASK != RECEIPT_TYPE:
            self.other_deliveries += 1
            return None  # still answered ESME_ROK by smpplib
        tlv_id = as_text(getattr(pdu, "receipted_message_id", None))
        text = pdu.short_message or getattr(pdu, "message_payload", None) or b""
        match = TEXT_ID.search(text if isinstance(text, bytes) else text.encode())
        text_id = as_text(match.group(1)) if match else None
        if tlv_id and text_id and tlv_id != text_id:
            self.text_tlv_disagreements += 1
        receipt_id = tlv_id or text_id
        if not receipt_id:
            raise Failure(f"receipt seq {pdu.sequence} carries no message id: {text!r}")
        self.receipts += 1
        self.receipt_ids.append(receipt_id)
        return None

    def matched(self):
        return len(self.submitted_ids.intersection(self.receipt_ids))


def on_error_pdu(pdu):
    # submit_sm_resp errors reach on_submit_resp too (smpplib dispatches them
    # after this handler); anything else with an error status is fatal.
    if pdu.command != "submit_sm_resp":
        raise Failure(
            f"{pdu.command} seq {pdu.sequence}: status 0x{int(pdu.status):08X} "
            f"({status_name(pdu.status)})"
        )


def wait_readable(client, deadline, phase):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Failure(f"timed out {phase}")
    readable, _, _ = select.select([client._socket], [], [], min(remaining, 1.0))
    return bool(readable)


def unbind(client, deadline):
    """Unbind, answering whatever the SMSC still sends before unbind_resp."""
    client.send_pdu(smpplib.smpp.make_pdu("unbind", client=client))
    while True:
        if not wait_readable(client, deadline, "waiting for unbind_resp"):
            continue
        pdu = client.read_pdu()
        if pdu.command == "unbind_resp":
            if pdu.status != smpplib.consts.SMPP_ESME_ROK:
                raise Failure(f"unbind_resp status 0x{int(pdu.status):08X}")
            return
        if pdu.command in ("deliver_sm", "enquire_link"):
            resp = smpplib.smpp.make_pdu(pdu.command + "_resp", client=client)
            resp.sequence = pdu.sequence
            client.send_pdu(resp)


def run(args, state):
    host, _, port = args.address.rpartition(":")
    client = smpplib.client.Client(
        host.strip("[]"), int(port), timeout=10, allow_unknown_opt_params=True
    )
    client.set_message_sent_handler(lambda pdu, **_: state.on_submit_resp(pdu))
    client.set_message_received_handler(lambda pdu, **_: state.on_deliver(pdu))
    client.set_error_pdu_handler(on_error_pdu)

    deadline = time.monotonic() + args.timeout
    client.connect()
    try:
        try:
            client.bind_transceiver(system_id=args.system_id, password=args.password)
        except smpplib.exceptions.PDUError as e:
            raise Failure(f"bind_transceiver refused: {e}")
        text = smpplib.gsm.gsm_encode("Switchboard interop check: your code is 123456")
        sent = 0
        while sent < state.count or state.pending or state.receipts < state.count:
            while sent < state.count and len(state.pending) < args.window:
                pdu = client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                    source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
                    source_addr="Switchbd",
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                    dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                    destination_addr="4477009001%02d" % (sent % 100),
                    esm_class=0x00,
                    data_coding=smpplib.consts.SMPP_ENCODING_DEFAULT,
                    registered_delivery=1,
                    short_message=text,
                )
                state.pending.add(pdu.sequence)
                sent += 1
            phase = (
                f"with {len(state.pending)} submit_sm unanswered"
                if state.pending
                else f"after {state.receipts} of {state.count} receipts"
            )
            if wait_readable(client, deadline, phase):
                client.read_once(auto_send_enquire_link=False)
        unbind(client, deadline)
    finally:
        client.disconnect()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="SMSC address, HOST:PORT")
    parser.add_argument("system_id")
    parser.add_argument("password")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--window", type=int, default=50, help="outstanding submit_sm")
    parser.add_argument("--timeout", type=float, default=120.0, help="whole run, seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

    # Last resort if a socket call blocks past every deadline above.
    def hard_stop(_signum, _frame):
        raise Failure(f"no progress for {args.timeout + 15:.0f} s, giving up")

    signal.signal(signal.SIGALRM, hard_stop)
    signal.alarm(int(args.timeout) + 15)

    state = Run(args.count)
    started = time.monotonic()
    error = None
    try:
        run(args, state)
    except Failure as e:
        error = str(e)
    except (smpplib.exceptions.ConnectionError, OSError) as e:
        error = f"connection to {args.address} failed: {e!r}"
    except smpplib.exceptions.PDUError as e:
        error = f"PDU error: {e}"
    signal.alarm(0)
    seconds = time.monotonic() - started

    matched = state.matched()
    summary = {
        "submitted": state.responses,
        "receipts": state.receipts,
        "matched": matched,
        "seconds": round(seconds, 3),
    }
    print(json.dumps(summary), flush=True)
    if error is None and (state.responses, state.receipts, matched) != (state.count,) * 3:
        duplicates = len(state.receipt_ids) - len(set(state.receipt_ids))
        error = (
            f"expected {state.count} submitted/receipts/matched, got {summary}; "
            f"{duplicates} duplicate receipts"
        )
    if state.other_deliveries:
        print(f"note: {state.other_deliveries} deliver_sm that were not receipts", file=sys.stderr)
    if state.text_tlv_disagreements:
        print(
            f"note: {state.text_tlv_disagreements} receipts whose text id differs "
            "from receipted_message_id",
            file=sys.stderr,
        )
    if error is not None:
        print(f"interop failure: {error}", file=sys.stderr)
        sys.exit(1)
    print(
        f"{state.count} messages with receipts in {seconds:.2f} s "
        f"({state.count / seconds:.0f} msg/s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
