"""vpnsim-sweep: parameter sweeps of vpnsim-run, their result store, statistics, plots and
distributed (SLURM) execution. The command-line entry point is experiments/vpnsim-sweep."""
