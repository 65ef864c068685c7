# A VPS SSH key is imported by its HostUp id (see the hostup_vps_ssh_keys data source), by its
# SHA256 fingerprint (ssh-keygen -l -f key.pub), by its MD5 fingerprint (as HostUp's control panel
# shows it), or by name:<name> when the name is unique.
terraform import hostup_vps_ssh_key.deploy ssh_01hxa3b4c5d6e7f8g9h0j1k2m3
terraform import hostup_vps_ssh_key.deploy SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI
terraform import hostup_vps_ssh_key.deploy a8:75:9b:6d:fe:e2:2b:66:8a:d7:be:41:8a:c3:e0:30
terraform import hostup_vps_ssh_key.deploy name:ci-deploy
