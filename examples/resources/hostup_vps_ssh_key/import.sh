# A VPS SSH key is imported by its HostUp id (see the hostup_vps_ssh_keys data source), by its
# SHA256 fingerprint (ssh-keygen -l -f key.pub), by its MD5 fingerprint (as HostUp's control panel
# shows it), or by name:<name> when the name is unique.
terraform import hostup_vps_ssh_key.deploy ssh_01hxa3b4c5d6e7f8g9h0j1k2m3
terraform import hostup_vps_ssh_key.deploy SHA256:T0FV+Kh187xSTogEpdcD8CDD4R+W0EE6c7WrALnKAs4
terraform import hostup_vps_ssh_key.deploy 4b:8c:35:f0:ff:2f:cf:fa:b5:52:5e:14:6c:31:89:9d
terraform import hostup_vps_ssh_key.deploy name:ci-deploy
