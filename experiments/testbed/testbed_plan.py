"""How the testbed's trials are laid out with --batch: which cells run as batches of concurrent
tunnels and which one trial at a time, which run at once (lanes: on a physical testbed the
cells whose headends bind different sockets) and which alone, and the plan printed for a
physical testbed before its runs.
"""
import testbed_batch

# A physical client host has one address: there a cell's tunnels can only be told apart by
# port, so only these encapsulations run as batches (testbed_batch.layout).
BATCH_ON_ONE_ADDRESS = ("ctcp", "natt")
# What each encapsulation's headend binds on its host: two cells that bind the same cannot run
# at once on one physical testbed (IKE's UDP 500 is NAT-T's and native ESP's).
HEADEND_SOCKETS = {"ctcp": "tcp/10000", "natt": "udp/500", "esp": "udp/500",
                   "anyconnect": "tcp/443"}


def batched(a, cell, trials):
    """Whether a cell's trials run as batches (else one trial at a time)."""
    return (a.batch and cell.level.kind == "random"
            and testbed_batch.batch_sizes(cell.encap, trials, a.client_addresses) is not None)


def testbed_lanes(a, trials):
    """The testbed's work with --batch: lanes that run at once, each a list of jobs run one
    after another, and then jobs that run alone. A job is (cell, None), the cell's batch, or
    (cell, seed), one trial. On namespaces every cell is a lane of its own (each scenario has
    a testbed of its own). On a physical testbed the cells share the hosts: cells whose
    headends bind the same socket share a lane, the others run at once, each scenario's loss
    rules matching its own packets (lib.sh tb_loss_flow); exact-drop cells, whose rule counts
    the packets of every tunnel on the wire, run alone at the end."""
    if not a.hosts:
        return [[(c, None)] for c in a.cells], []
    lanes, alone = {}, []
    for c in a.cells:
        n = trials[c.key]
        jobs = [(c, None)] if batched(a, c, n) else [(c, s) for s in range(1, n + 1)]
        if c.level.kind == "random":
            lanes.setdefault(HEADEND_SOCKETS[c.encap], []).extend(jobs)
        else:
            alone.extend(jobs)
    return list(lanes.values()), alone


def testbed_plan_lines(a, trials):
    """How the physical testbed runs each cell, for the printed plan and the report."""
    lines = []
    for c in a.cells:
        n = trials[c.key]
        where = f"{c.encap} {c.asa} {c.level.label}: "
        sizes = batched(a, c, n) and testbed_batch.batch_sizes(c.encap, n, a.client_addresses)
        if sizes and c.encap == "esp":
            lines.append(where + f"{n} trials in {len(sizes)} batch(es) of up to {sizes[0]} "
                         "concurrent trials, one client runner per client address (native "
                         "ESP has no port to tell tunnels from one address apart)")
        elif sizes:
            clients, per = testbed_batch.layout(c.encap, n, a.client_addresses)
            how = (f"{per} tunnels in one client runner" if clients == 1 else
                   f"{clients} client runners at once on the client address, told apart by "
                   + ("source port" if c.encap == "ctcp" else "UDP port (--udp-source-port)")
                   + (f", {per} tunnels each" if per > 1 else ""))
            lines.append(where + f"one batch of {n} concurrent trials: {how}")
        elif c.level.kind != "random":
            lines.append(where + f"{n} trials one at a time, alone on the testbed (an exact "
                         "drop counts every tunnel's packets)")
        elif c.encap == "esp":
            lines.append(where + f"{n} trials one at a time: native ESP has no port, so "
                         "tunnels from the one client address cannot be told apart (list "
                         "more in the hosts file's [client] extra_addresses)")
        else:
            lines.append(where + f"{n} trials one at a time")
    lanes, _ = testbed_lanes(a, trials)
    if len(lanes) > 1:
        lines.append("cells of different headend sockets run at once: "
                     + " | ".join(", ".join(dict.fromkeys(f"{c.encap} {c.level.label}"
                                                          for c, _ in lane)) for lane in lanes))
    return lines
