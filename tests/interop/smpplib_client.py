#!/usr/bin/env python3
"""Interop check: a third-party SMPP client (python smpplib) against an SMSC.

Binds as transceiver, submits COUNT GSM-text messages with
registered_delivery=1 through a window of outstanding submit_sm, collects
the submit_sm_resp message_ids, and keeps reading until every one of them
has its delivery receipt (deliver_sm, esm_class 0x04); smpplib's read loop
answers each deliver_sm with deliver_sm_resp. Receipt ids come from the
receipted_message_id TLV, else the "id:" field of the receipt text. Then it
unbinds and prints one JSON line on stdout:

    {"submitted": N, "receipts": N, "matched": N, "seconds": S, "foreign": F}

receipts counts receipts for this run's ids (duplicates included), matched
the distinct ids receipted, foreign the receipts for ids this run was never
given (e.g. held by the SMSC from an earlier session). Exits 1, with the
reason on stderr (the JSON line still shows what was seen), on an error
status, a lost connection, a timeout, a count other than COUNT, or a
receipt whose text "id:" and receipted_message_id differ.

Usage: smpplib_client.py HOST:PORT SYSTEM_ID PASSWORD [--count N]
       [--window W] [--timeout SECONDS]
Set SMPPLIB_LOG=DEBUG to see every PDU in hex on stderr.
"""

import argparse
import collections
import json
import logging
import re
import select
import signal
import socket
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
        self.phase = "connecting"  # for error messages
        self.pending = set()  # sequence numbers of unanswered submit_sm
        self.submitted_ids = set()
        self.responses = 0
        self.receipt_counts = collections.Counter()  # receipt id -> receipts seen
        self.matched_ids = set()  # submitted ids with at least one receipt
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
        if self.receipt_counts[message_id]:
            self.matched_ids.add(message_id)  # the receipt overtook its response

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
        self.receipt_counts[receipt_id] += 1
        if receipt_id in self.submitted_ids:
            self.matched_ids.add(receipt_id)
        return None

    def receipts(self):
        """Receipts for this run's messages, duplicates included."""
        return sum(self.receipt_counts[i] for i in self.submitted_ids)

    def foreign(self):
        """Receipts for ids this run was never given (e.g. held from an earlier session)."""
        return sum(self.receipt_counts.values()) - self.receipts()

    def done(self):
        return len(self.matched_ids) == self.count


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
    state.phase = "binding"
    # smpplib writes each PDU with its own send; without this, Nagle holds a
    # submit_sm behind an unacknowledged deliver_sm_resp for a delayed ACK,
    # and a window of 1 measures TCP timers instead of the SMSC.
    client._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        try:
            client.bind_transceiver(system_id=args.system_id, password=args.password)
        except smpplib.exceptions.PDUError as e:
            raise Failure(f"bind_transceiver refused: {e}")
        text = smpplib.gsm.gsm_encode("Switchboard interop check: your code is 123456")
        sent = 0
        state.phase = "submitting and reading receipts"
        while sent < state.count or state.pending or not state.done():
            while sent < state.count and len(state.pending) < args.window:
                pdu = client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                    source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
                    source_addr="Switchbd",
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                    dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                    destination_addr="4477009009%02d" % (sent % 100),  # not the fixture handsets
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
                else f"with {len(state.matched_ids)} of {state.count} messages receipted "
                f"({state.foreign()} receipts for ids not submitted here)"
            )
            if wait_readable(client, deadline, phase):
                client.read_once(auto_send_enquire_link=False)
        state.phase = "waiting for unbind_resp"
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
    logging.basicConfig(level=getattr(logging, __import__("os").environ.get("SMPPLIB_LOG", "ERROR")), stream=sys.stderr)

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
        error = f"connection to {args.address} lost while {state.phase}: {e!r}"
    except smpplib.exceptions.PDUError as e:
        error = f"PDU error while {state.phase}: {e}"
    signal.alarm(0)
    seconds = time.monotonic() - started

    summary = {
        "submitted": state.responses,
        "receipts": state.receipts(),
        "matched": len(state.matched_ids),
        "seconds": round(seconds, 3),
        "foreign": state.foreign(),
    }
    print(json.dumps(summary), flush=True)
    counts = (summary["submitted"], summary["receipts"], summary["matched"])
    if error is None and counts != (state.count,) * 3:
        error = f"expected {state.count} submitted, receipts and matched, got {summary}"
    if state.other_deliveries:
        print(f"note: {state.other_deliveries} deliver_sm that were not receipts", file=sys.stderr)
    if error is None and state.text_tlv_disagreements:
        # ESMEs read either one, so the two must name the same message.
        error = (
            f"{state.text_tlv_disagreements} receipts whose text id differs "
            "from their receipted_message_id"
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
