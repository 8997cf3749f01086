"""Subsidy disclosure (惠民资金查询): the one lookup service, and what a villager does with the records."""
