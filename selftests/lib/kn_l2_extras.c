// SPDX-License-Identifier: GPL-2.0
#include "kn_l2x.h"

const struct kn_l2x_ops *kn_l2x(void)
{
	return kn_vendor == KN_AMD ? &kn_l2x_svm : &kn_l2x_vmx;
}
