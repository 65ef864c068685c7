# Key rotation on VM 10000: the deploy key is a managed VPS key, and the reset's triggers
# follow its fingerprint. Putting a new key in keys/rotation.pub replaces the VPS key and runs the
# reset again, once; changing only the key's comment changes neither.
resource "hostup_vps_ssh_key" "rotating" {
  name       = "ci-deploy-rotating"
  public_key = file("${path.module}/keys/rotation.pub")
}

resource "hostup_vm_ssh_reset" "rotation" {
  vmid    = 10000
  key_ids = [hostup_vps_ssh_key.rotating.id]

  triggers = {
    deploy_key = hostup_vps_ssh_key.rotating.fingerprint
  }
}

output "rotation_installed_key_count" {
  value = hostup_vm_ssh_reset.rotation.key_count
}
