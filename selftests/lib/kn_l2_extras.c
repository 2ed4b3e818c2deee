// SPDX-License-Identifier: GPL-2.0
#include "kn_l2_extras.h"

const struct kn_l2_extras_ops *kn_l2_extras(void)
{
	return kn_vendor == KN_AMD ? &kn_l2_extras_svm : &kn_l2_extras_vmx;
}
