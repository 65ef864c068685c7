# A VPS SSH key is imported by its HostUp id (see the hostup_vps_ssh_keys data source).
terraform import hostup_vps_ssh_key.deploy ssh_01hxa3b4c5d6e7f8g9h0j1k2m3
