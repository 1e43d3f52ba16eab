"""What a validation compares: its cells (an encapsulation through an ASA mode at one loss level)
and the constants that match the simulation's side of a cell to the testbed's (when the
simulation's traffic starts, the DPD timers both sides share, the probe's headers, which
testbed middlebox stands for which ASA mode), shared by the command line, the runs, the report
and the plots.
"""

SIM_TRAFFIC_START_S = 5.0  # helper/scenario-run.h, kTrafficStartS
# The client's DPD idle time and R-U-THERE interval: both sides' defaults (vpnsim-run
# --dpd-idle and --dpd-retry, the engine's EndpointSettings), the Cisco VPN Client's.
CLIENT_DPD_IDLE_S, CLIENT_DPD_RETRY_S = 10.0, 5.0
PROBE_OVERHEAD = 28  # inner IPv4 (20) + UDP (8) header around the echo payload
ENCAPS = ("ctcp", "natt", "esp", "anyconnect")
ASA_TO_FW = {"none": "bypass", "bypass": "bypass", "stateful": "stateful", "proxy": "proxy"}
# Simulation modes that only a physical middlebox (--hosts) can stand for.
PHYSICAL_ONLY_ASA = ("normalizer", "ips-strict")
NAMES = {"ctcp": "cTCP", "natt": "NAT-T", "esp": "native ESP", "anyconnect": "AnyConnect"}


class Level:
    """One loss level: random loss of a fraction both ways, or one exact drop."""

    def __init__(self, kind, value):
        self.kind, self.value = kind, value

    @property
    def label(self):
        return f"{self.value:g}" if self.kind == "random" else f"drop#{self.value}"

    def describe(self):
        return ({"kind": "random", "loss": self.value} if self.kind == "random"
                else {"kind": "drop", "drop_nth": self.value})

    @staticmethod
    def from_label(label):
        if label.startswith("drop#"):
            return Level("drop", int(label[5:]))
        return Level("random", float(label))


class Cell:
    """One cell of the validation: an encapsulation through an ASA mode at one loss level."""

    def __init__(self, encap, asa, level, fw=None):
        self.encap, self.asa, self.level = encap, asa, level
        self.chosen_fw = fw
        self.sim_loss = None  # on a physical testbed, the loss measured on its wire

    @property
    def fw(self):
        """The testbed's middlebox: the one --fw chose, else the one the ASA mode stands for."""
        return self.chosen_fw or ASA_TO_FW[self.asa]

    @property
    def key(self):
        return (self.encap, self.asa, self.level.label)

    def describe(self):
        return {"encap": self.encap, "asa": self.asa, "level": self.level.label}
