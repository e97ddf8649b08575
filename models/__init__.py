"""DEX-AR Workstation Python toolkit: HF→bundle exporter, PyTorch reference, demo model, fixtures."""
