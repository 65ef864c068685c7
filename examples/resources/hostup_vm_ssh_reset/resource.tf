# Resets the SSH keys of VM 10000 to one existing VPS key, once. The VM restarts.
# Destroying this resource only forgets the reset: nothing changes on the VM.
resource "hostup_vm_ssh_reset" "web" {
  vmid    = 10000
  key_ids = ["ssh_01hxa3b4c5d6e7f8g9h0j1k2m3"]

  # Change any value to run the reset again.
  triggers = {
    reason = "initial"
  }
}

output "web_reset_request_id" {
  value = hostup_vm_ssh_reset.web.request_id
}
