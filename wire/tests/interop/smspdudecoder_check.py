#!/usr/bin/env python3
"""Decode TPDUs with the third-party `smspdudecoder` (pinned 2.2.0) and
print what it read, for wire/tests/tpdu_smspdudecoder.rs to compare.

stdin: one TPDU per line, "deliver HEX" or "submit HEX" (no SMSC prefix;
smspdudecoder expects one, so an empty "00" is put in front).
stdout: one JSON object per input line, in order. Strings smspdudecoder
returns as hex are upper-cased; times are Unix seconds; a decoding
failure is {"error": "..."} so the Rust side can report which TPDU broke.
smspdudecoder reads SMS-DELIVER and SMS-SUBMIT only.
"""

import json
import sys
from io import StringIO

from smspdudecoder.fields import SMSDeliver, SMSSubmit


def address(a):
    number = a["number"]
    if a["toa"]["ton"] != "alphanumeric":
        number = number.upper()
    return {
        "length": a["length"],
        "ton": a["toa"]["ton"],
        "npi": a["toa"]["npi"],
        "number": number,
    }


def header(user_data):
    h = user_data.get("header")
    if not h:
        return None
    elements = []
    for e in h["elements"]:
        data = e["data"]
        if not isinstance(data, dict):
            data = data.upper()
        elements.append({"iei": e["iei"], "length": e["length"], "data": data})
    return elements


def body(user_data):
    data = user_data["data"]
    if isinstance(data, bytes):
        return {"binary": data.hex().upper()}
    return {"text": data}


def deliver(hex_tpdu):
    sms = SMSDeliver.decode(StringIO("00" + hex_tpdu))
    h = sms["header"]
    return {
        "type": "deliver",
        "rp": h["rp"],
        "udhi": h["udhi"],
        "sri": h["sri"],
        "mms": h["mms"],
        "sender": address(sms["sender"]),
        "pid": sms["pid"],
        "encoding": sms["dcs"]["encoding"],
        "scts": int(sms["scts"].timestamp()),
        "header": header(sms["user_data"]),
        "body": body(sms["user_data"]),
    }


def submit(hex_tpdu):
    sms = SMSSubmit.decode(StringIO("00" + hex_tpdu))
    h = sms["header"]
    vp = sms.get("vp")
    if h["vpf"] == 1:
        vp = "enhanced"
    elif h["vpf"] == 3:
        vp = int(vp.timestamp())
    return {
        "type": "submit",
        "rp": h["rp"],
        "udhi": h["udhi"],
        "srr": h["srr"],
        "vpf": h["vpf"],
        "rd": h["rd"],
        "message_ref": sms["message-ref"],
        "recipient": address(sms["recipient"]),
        "pid": sms["pid"],
        "encoding": sms["dcs"]["encoding"],
        "vp": vp,
        "header": header(sms["user_data"]),
        "body": body(sms["user_data"]),
    }


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        kind, _, hex_tpdu = line.partition(" ")
        try:
            out = {"deliver": deliver, "submit": submit}[kind](hex_tpdu)
        except Exception as e:  # report, keep going: one bad TPDU is one failure
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
