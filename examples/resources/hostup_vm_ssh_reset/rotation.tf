# Key rotation on another VM (10001): the deploy key is a managed VPS key, and the reset's triggers
# follow its fingerprint. Putting a new key in keys/deploy.pub replaces the VPS key and runs the
# reset again, once; changing only the key's comment changes neither.
resource "hostup_vps_ssh_key" "rotating" {
  name       = "ci-deploy-rotating"
  public_key = file("${path.module}/keys/deploy.pub")
}

resource "hostup_vm_ssh_reset" "rotation" {
  vmid    = 10001
  key_ids = [hostup_vps_ssh_key.rotating.id]

  triggers = {
    deploy_key = hostup_vps_ssh_key.rotating.fingerprint
  }
}

output "rotation_installed_key_count" {
  value = hostup_vm_ssh_reset.rotation.key_count
}
