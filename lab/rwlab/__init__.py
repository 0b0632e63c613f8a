"""rwlab: a simulated Proxmox VE cluster for testing replwatch (see lab/README.md)."""
