
BlogitsJ(_{xÀsQ÷ÀTÁ²ÁÒ#uÁïµ’@‘žñÀ?RÇ@¯u¾ÀRg8A