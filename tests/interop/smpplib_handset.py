#!/usr/bin/env python3
"""Interop check: python smpplib sends one text to a handset through smsc-sim.

Binds as transceiver, splits TEXT with smpplib's own make_parts (UCS-2 with
an 8-bit concatenation UDH when the text needs it, GSM otherwise), submits
every part to DEST with registered_delivery=1, and reads until each part's
delivery receipt arrived. Prints one JSON line on stdout:

    {"parts": N, "message_ids": [...], "receipts": {"id": "DELIVRD", ...}}

Exits 1 with the reason on stderr on an error status, a lost connection or
a timeout; 2 when smpplib is not installed.

Usage: smpplib_handset.py HOST:PORT SYSTEM_ID PASSWORD DEST TEXT [--timeout S]
"""

import argparse
import json
import re
import sys
import time

try:
    import smpplib.client
    import smpplib.consts
    import smpplib.gsm
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"smpplib is not installed ({e}); run scripts/test.sh", file=sys.stderr)
    sys.exit(2)

TEXT_ID = re.compile(rb"\bid:(\S+)")
STAT = re.compile(rb"\bstat:(\S+)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("address")
    p.add_argument("system_id")
    p.add_argument("password")
    p.add_argument("dest")
    p.add_argument("text")
    p.add_argument("--timeout", type=float, default=20.0)
    args = p.parse_args()
    host, port = args.address.rsplit(":", 1)

    ids, receipts = [], {}
    client = smpplib.client.Client(host, int(port), timeout=args.timeout)

    def on_sent(pdu):
        if pdu.status != 0:
            raise SystemExit(f"submit_sm refused with status {pdu.status}")
        ids.append(pdu.message_id.decode() if isinstance(pdu.message_id, bytes) else pdu.message_id)

    def on_deliver(pdu):
        if pdu.esm_class & 0x3C == 0x04:
            text = pdu.short_message or b""
            mid = TEXT_ID.search(text)
            stat = STAT.search(text)
            if mid and stat:
                receipts[mid.group(1).decode()] = stat.group(1).decode()
        return 0

    client.set_message_sent_handler(on_sent)
    client.set_message_received_handler(on_deliver)
    client.connect()
    client.bind_transceiver(system_id=args.system_id, password=args.password)
    parts, encoding, esm_class = smpplib.gsm.make_parts(args.text)
    for part in parts:
        client.send_message(
            source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
            source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
            source_addr="PyShop",
            dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
            dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
            destination_addr=args.dest,
            short_message=part,
            data_coding=encoding,
            esm_class=esm_class,
            registered_delivery=1,
        )
    deadline = time.monotonic() + args.timeout
    while not (len(ids) == len(parts) and all(i in receipts for i in ids)):
        if time.monotonic() > deadline:
            print(json.dumps({"parts": len(parts), "message_ids": ids, "receipts": receipts}))
            raise SystemExit("timed out waiting for receipts")
        client.read_once()
    client.unbind()
    client.disconnect()
    print(json.dumps({"parts": len(parts), "message_ids": ids, "receipts": receipts}))


if __name__ == "__main__":
    main()
